"""Completing a consultation: the visit's own doctor only (the compatibility route also lets an admin)."""

from fastapi import APIRouter

from common.schemas import CompleteConsultationRequest, CompleteRequest, VisitOut
from server.api.deps import CurrentUser, SessionDep
from server.api.responses import refusals
from server.services import visits as visit_service

router = APIRouter(prefix="/queue", tags=["consultation"])

_ERRORS = refusals(
    {
        401: "not authenticated",
        403: "not a doctor, no doctor profile, or another doctor's visit",
        404: "unknown visit",
        409: "the visit is not IN_PROGRESS (`current_status` says what it is)",
    }
)


@router.post("/complete-consultation", response_model=VisitOut, responses=_ERRORS)
def complete_consultation(body: CompleteConsultationRequest, session: SessionDep, me: CurrentUser) -> VisitOut:
    """IN_PROGRESS → COMPLETED with the doctor's notes and prescription; completes the linked appointment and
    emits `consultation_completed`, `visit_status_changed` and `queue_updated`."""
    return visit_service.complete_visit(
        session, actor=me, visit_id=body.visit_id, notes=body.notes, prescription=body.prescription
    )


@router.post("/complete", response_model=VisitOut, responses=_ERRORS)
def complete(body: CompleteRequest, session: SessionDep, me: CurrentUser) -> VisitOut:
    """Kept for compatibility: same rules as /queue/complete-consultation, and an admin may complete any visit."""
    return visit_service.complete_visit(session, actor=me, visit_id=body.visit_id, admin_may_complete=True)
