from fastapi import APIRouter

from common.schemas import VisitDetail
from server.api.deps import Id, SessionDep, StaffUser
from server.api.responses import refusals
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
