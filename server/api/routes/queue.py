"""The reception board, check-in and phase moves (the state machine lives in services/queue.py)."""

from datetime import date

from fastapi import APIRouter, Query

from common.enums import PHASE_TARGET, VisitStatus
from common.schemas import CancelVisitRequest, CheckInRequest, PhaseMoveRequest, QueueBoard, VisitOut
from server.api.deps import Id, ReceptionUser, SessionDep, StaffUser
from server.services import queue as queue_service
from server.services.serializers import visit_out

router = APIRouter(prefix="/queue", tags=["queue"])


@router.get("", response_model=QueueBoard)
def get_queue(
    session: SessionDep,
    me: StaffUser,
    date: date | None = Query(default=None, description="the clinic's local day; default today"),
    doctor_id: Id | None = None,
    clinic_id: Id | None = Query(default=None, description="admin only"),
) -> QueueBoard:
    return queue_service.queue_board(session, actor=me, day=date, doctor_id=doctor_id, clinic_id=clinic_id)


@router.post("/checkin", response_model=VisitOut, status_code=201)
def check_in(body: CheckInRequest, session: SessionDep, me: ReceptionUser) -> VisitOut:
    return visit_out(queue_service.check_in(session, actor=me, data=body))


@router.post("/phase/move", response_model=VisitOut)
def move(body: PhaseMoveRequest, session: SessionDep, me: StaffUser) -> VisitOut:
    target: VisitStatus = PHASE_TARGET[body.phase] if body.phase is not None else body.new_status  # type: ignore[assignment]
    visit = queue_service.change_visit_status(
        session, actor=me, visit_id=body.visit_id, target=target, expected_version=body.expected_version
    )
    return visit_out(visit)


@router.post("/cancel", response_model=VisitOut)
def cancel(body: CancelVisitRequest, session: SessionDep, me: ReceptionUser) -> VisitOut:
    visit = queue_service.change_visit_status(
        session,
        actor=me,
        visit_id=body.visit_id,
        target=VisitStatus.CANCELLED,
        cancel_appointment=body.cancel_appointment,
    )
    return visit_out(visit)
