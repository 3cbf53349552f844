"""The reception board, check-in, the visit state machine and visits."""

from __future__ import annotations

from typing import Any

from common.client.api.transport import Transport, list_query, request_body
from common.enums import Phase, Priority
from common.schemas import (
    CallNextRequest,
    CallRequest,
    CancelVisitRequest,
    CheckInRequest,
    CompleteConsultationRequest,
    PhaseMoveRequest,
    PriorityRequest,
    QueueBoard,
    QueueQuery,
    TimelineEntry,
    VisitDetail,
    VisitDraftRequest,
    VisitOut,
)


class QueueApi(Transport):
    async def queue_board(self, query: QueueQuery | None = None, /, **fields: Any) -> QueueBoard:
        """The reception board for a clinic-local `day` (default: the clinic's today). `clinic_id`: admins only.
        Sends the live rooms' seqs (`room_seqs`): a server that built this board at the desk room's seq answers
        it from memory."""
        params = list_query(QueueQuery, query, fields)
        return await self._call(QueueBoard, "GET", "/queue", params=params, room_seqs=True)

    async def checkin(
        self,
        *,
        appointment_id: int | None = None,
        patient_id: int | None = None,
        doctor_id: int | None = None,
        service_id: int | None = None,
        notes: str = "",
        priority: Priority = Priority.NORMAL,
    ) -> VisitOut:
        """Check in an appointment (`appointment_id`) or a walk-in (`patient_id`, `doctor_id`, `service_id`)."""
        body = request_body(
            CheckInRequest,
            {
                "appointment_id": appointment_id,
                "patient_id": patient_id,
                "doctor_id": doctor_id,
                "service_id": service_id,
                "notes": notes,
                "priority": priority,
            },
        )
        return await self._call(VisitOut, "POST", "/queue/checkin", json=body)

    async def move(
        self, visit_id: int, phase: Phase, *, expected_version: int | None = None, confirm: bool = False
    ) -> VisitOut:
        """Move a visit to a board phase; with `expected_version` a stale copy gets ApiError 409. A send to a doctor
        already at the clinic's `max_active_per_doctor` gets ApiError 409 code `doctor_busy` unless `confirm`."""
        body = request_body(
            PhaseMoveRequest,
            {"visit_id": visit_id, "phase": phase, "expected_version": expected_version, "confirm": confirm},
        )
        return await self._call(VisitOut, "POST", "/queue/phase/move", json=body)

    async def cancel_visit(self, visit_id: int, *, cancel_appointment: bool = False) -> VisitOut:
        body = request_body(CancelVisitRequest, {"visit_id": visit_id, "cancel_appointment": cancel_appointment})
        return await self._call(VisitOut, "POST", "/queue/cancel", json=body)

    async def complete_consultation(
        self, visit_id: int, *, notes: str | None = None, prescription: str | None = None
    ) -> VisitOut:
        body = request_body(
            CompleteConsultationRequest, {"visit_id": visit_id, "notes": notes, "prescription": prescription}
        )
        return await self._call(VisitOut, "POST", "/queue/complete-consultation", json=body)

    async def visit(self, visit_id: int) -> VisitDetail:
        return await self._call(VisitDetail, "GET", f"/visits/{visit_id}")

    async def save_draft(self, visit_id: int, *, notes: str, prescription: str, version: int) -> VisitOut:
        """Keep the consultation's notes and prescription on the IN_PROGRESS visit (`version`: the one the editor
        was opened on); ApiError 409 when it is stale or the visit left IN_PROGRESS."""
        body = request_body(VisitDraftRequest, {"notes": notes, "prescription": prescription, "version": version})
        return await self._call(VisitOut, "PUT", f"/visits/{visit_id}/draft", json=body)

    async def call(self, visit_id: int, *, room: str = "") -> VisitOut:
        """Call a waiting patient (WAITING -> CALLED), optionally to a room."""
        body = request_body(CallRequest, {"visit_id": visit_id, "room": room})
        return await self._call(VisitOut, "POST", "/queue/call", json=body)

    async def call_next(self, doctor_id: int, *, room: str = "") -> VisitOut:
        """Call the doctor's first waiting visit (priority, then check-in); ApiError 404 when nobody waits."""
        body = request_body(CallNextRequest, {"doctor_id": doctor_id, "room": room})
        return await self._call(VisitOut, "POST", "/queue/call-next", json=body)

    async def set_priority(self, visit_id: int, priority: Priority) -> VisitOut:
        body = request_body(PriorityRequest, {"visit_id": visit_id, "priority": priority})
        return await self._call(VisitOut, "POST", "/queue/priority", json=body)

    async def visit_timeline(self, visit_id: int) -> list[TimelineEntry]:
        """Status changes, priority changes, calls and payments of the visit, oldest first."""
        return await self._list(TimelineEntry, f"/visits/{visit_id}/timeline")
