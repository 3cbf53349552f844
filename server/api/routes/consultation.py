"""Completing a consultation: the visit's own doctor only (the compatibility route also lets an admin)."""

from fastapi import APIRouter

from common.schemas import CompleteConsultationRequest, CompleteRequest, VisitDraftRequest, VisitOut
from server.api.deps import CurrentUser, Id, SessionDep
from server.api.responses import refusals
from server.services import drafts as draft_service
from server.services import visits as visit_service

router = APIRouter(prefix="/queue", tags=["consultation"])
drafts_router = APIRouter(prefix="/visits", tags=["consultation"])

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


@drafts_router.put(
    "/{visit_id}/draft",
    response_model=VisitOut,
    responses=refusals(
        {
            401: "not authenticated",
            403: "not the visit's own doctor",
            404: "unknown visit, or another clinic's",
            409: "the visit is not IN_PROGRESS, or `version` is stale (`current_status`, `current_version`)",
        }
    ),
)
def save_draft(visit_id: Id, body: VisitDraftRequest, session: SessionDep, me: CurrentUser) -> VisitOut:
    """Keep the notes and prescription being typed on the visit while it is IN_PROGRESS (the doctor's app saves
    shortly after typing stops). Does not change the visit's version and emits no event."""
    return draft_service.save_draft(session, actor=me, visit_id=visit_id, data=body)
