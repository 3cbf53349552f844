"""GET /dashboard/reception (the doctor's dashboard lives in doctor_portal.py)."""

from fastapi import APIRouter, Query

from common.schemas import ReceptionDashboard
from server.api.deps import Id, ReceptionUser, SessionDep
from server.services import dashboard as dashboard_service

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


@router.get("/reception", response_model=ReceptionDashboard)
def reception_dashboard(
    session: SessionDep, me: ReceptionUser, clinic_id: Id | None = Query(default=None, description="admin only")
) -> ReceptionDashboard:
    return dashboard_service.reception_dashboard(session, actor=me, clinic_id=clinic_id)
