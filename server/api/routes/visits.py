from fastapi import APIRouter

from common.schemas import TimelineEntry, VisitDetail
from server.api.deps import Id, SessionDep, StaffUser
from server.api.responses import refusals
from server.services import timeline as timeline_service
from server.services import visits as visit_service

router = APIRouter(prefix="/visits", tags=["visits"])


@router.get(
    "/{visit_id}",
    response_model=VisitDetail,
    responses=refusals({403: "another doctor's visit", 404: "unknown, or another clinic"}),
)
def get_visit(visit_id: Id, session: SessionDep, me: StaffUser) -> VisitDetail:
    """One visit with patient, service, appointment and payments."""
    return visit_service.get_visit_detail(session, actor=me, visit_id=visit_id)


@router.get(
    "/{visit_id}/timeline",
    response_model=list[TimelineEntry],
    responses=refusals({403: "another doctor's visit", 404: "unknown, or another clinic"}),
)
def visit_timeline(visit_id: Id, session: SessionDep, me: StaffUser) -> list[TimelineEntry]:
    """Status changes, priority changes, calls and payments of the visit, oldest first, each with who and when;
    the same readers as GET /visits/{visit_id}."""
    return timeline_service.visit_timeline(session, actor=me, visit_id=visit_id)
