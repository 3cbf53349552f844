"""The reception board, check-in, the visit state machine and visits."""

from __future__ import annotations

from typing import Any

from common.client.api.transport import Transport, list_query, request_body
from common.enums import Phase
from common.schemas import (
    CancelVisitRequest,
    CheckInRequest,
    CompleteConsultationRequest,
    PhaseMoveRequest,
    QueueBoard,
    QueueQuery,
    VisitDetail,
    VisitDraftRequest,
    VisitOut,
)


class QueueApi(Transport):
    async def queue_board(self, query: QueueQuery | None = None, /, **fields: Any) -> QueueBoard:
        """The reception board for a clinic-local `day` (default: the clinic's today). `clinic_id`: admins only."""
        return await self._call(QueueBoard, "GET", "/queue", params=list_query(QueueQuery, query, fields))

    async def checkin(
        self,
        *,
        appointment_id: int | None = None,
        patient_id: int | None = None,
        doctor_id: int | None = None,
        service_id: int | None = None,
        notes: str = "",
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
            },
        )
        return await self._call(VisitOut, "POST", "/queue/checkin", json=body)

    async def move(self, visit_id: int, phase: Phase, *, expected_version: int | None = None) -> VisitOut:
        """Move a visit to a board phase; with `expected_version` a stale copy gets ApiError 409."""
        body = request_body(
            PhaseMoveRequest, {"visit_id": visit_id, "phase": phase, "expected_version": expected_version}
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
