"""GET /dashboard/reception (the doctor's dashboard lives in doctor_portal.py)."""

from fastapi import APIRouter, Query, Request, Response

from common.schemas import ReceptionDashboard
from server.api import etag
from server.api.deps import Id, ReceptionUser, SessionDep
from server.services import dashboard as dashboard_service

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


@router.get(
    "/reception",
    response_model=ReceptionDashboard,
    responses=etag.NOT_MODIFIED,
)
async def reception_dashboard(
    request: Request,
    session: SessionDep,
    me: ReceptionUser,
    clinic_id: Id | None = Query(default=None, description="admin only"),
) -> ReceptionDashboard | Response:
    """Today's counts and takings, with an `ETag` (kept per the desk room's seq: services/cached_reads.py)."""
    return await etag.desk_list(
        request,
        session,
        me,
        name="dashboard/reception",
        clinic_id=clinic_id,
        query=None,
        read=lambda: dashboard_service.reception_dashboard(session, actor=me, clinic_id=clinic_id),
    )
