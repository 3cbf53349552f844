"""The reception board, check-in and phase moves (the state machine lives in services/queue.py)."""

from typing import Annotated, cast

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from common.enums import PHASE_TARGET, VisitStatus
from common.schemas import (
    CallNextRequest,
    CallRequest,
    CancelVisitRequest,
    CheckInRequest,
    PhaseMoveRequest,
    PriorityRequest,
    QueueBoard,
    QueueQuery,
    VisitOut,
)
from server.api import etag
from server.api.deps import ReceptionUser, SessionDep, StaffUser
from server.api.one_trip import in_one_trip
from server.models import User
from server.services import cached_reads
from server.services import calling as calling_service
from server.services import queue as queue_service

router = APIRouter(prefix="/queue", tags=["queue"])


def _board(request: Request, session: Session, me: User, query: QueueQuery) -> Response:
    return etag.answer(request, cached_reads.board(session, actor=me, query=query))


@router.get("", response_model=QueueBoard, responses=etag.NOT_MODIFIED)
async def get_queue(
    request: Request, session: SessionDep, me: StaffUser, query: Annotated[QueueQuery, Query()]
) -> Response:
    """The board, with an `ETag`: send it back in `If-None-Match` and an unchanged board answers 304. With
    `X-Room-Seq` (the desk room's last seq the client heard), a board this process built at that seq or later is
    answered from memory; otherwise (and without the header) from the database."""
    hit = cached_reads.fast_board(me, query, etag.room_seqs(request))
    if hit is not None:
        return etag.answer(request, hit)
    return cast(Response, await in_one_trip(_board, request=request, session=session, me=me, query=query))


@router.post("/checkin", response_model=VisitOut, status_code=201)
def check_in(body: CheckInRequest, session: SessionDep, me: ReceptionUser) -> VisitOut:
    return queue_service.check_in(session, actor=me, data=body)


@router.post("/phase/move", response_model=VisitOut)
def move(body: PhaseMoveRequest, session: SessionDep, me: StaffUser) -> VisitOut:
    # PhaseMoveRequest refuses a body with neither phase nor new_status
    target = PHASE_TARGET[body.phase] if body.phase is not None else cast(VisitStatus, body.new_status)
    return queue_service.change_visit_status(
        session,
        actor=me,
        visit_id=body.visit_id,
        target=target,
        expected_version=body.expected_version,
        confirm=body.confirm,
    )


@router.post("/cancel", response_model=VisitOut)
def cancel(body: CancelVisitRequest, session: SessionDep, me: ReceptionUser) -> VisitOut:
    return queue_service.change_visit_status(
        session,
        actor=me,
        visit_id=body.visit_id,
        target=VisitStatus.CANCELLED,
        cancel_appointment=body.cancel_appointment,
    )


@router.post("/priority", response_model=VisitOut)
def set_priority(body: PriorityRequest, session: SessionDep, me: ReceptionUser) -> VisitOut:
    """Triage: NORMAL, URGENT or EMERGENCY (audited with who and when); the waiting lists re-order."""
    return calling_service.set_priority(session, actor=me, visit_id=body.visit_id, priority=body.priority)


@router.post("/call", response_model=VisitOut)
def call(body: CallRequest, session: SessionDep, me: StaffUser) -> VisitOut:
    """WAITING -> CALLED, optionally to a room (the desk, admins, the visit's own doctor)."""
    return calling_service.call(session, actor=me, visit_id=body.visit_id, room=body.room)


@router.post("/call-next", response_model=VisitOut)
def call_next(body: CallNextRequest, session: SessionDep, me: StaffUser) -> VisitOut:
    """Call the doctor's first waiting visit of today (priority, then check-in); 404 when nobody waits."""
    return calling_service.call_next(session, actor=me, doctor_id=body.doctor_id, room=body.room)
