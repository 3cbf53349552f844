"""Reading one visit, and completing a consultation through the one state machine (services.queue)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.schemas import VisitDetail, VisitOut
from server.core.errors import Forbidden, NotFound
from server.models import User, Visit
from server.services import queue as queue_service
from server.services.auth import doctor_of
from server.services.scope import can_see
from server.services.serializers import VISIT_DETAIL_LOAD, visit_detail, visit_out

ONLY_THE_DOCTOR = "only the doctor can complete a consultation"


def get_visit_detail(session: Session, *, actor: User, visit_id: int) -> VisitDetail:
    """A doctor sees only their own visits (another doctor's visit in the same clinic → 403, elsewhere → 404);
    receptionists see their clinic's visits (others → 404); admins see all."""
    visit = session.scalars(select(Visit).options(*VISIT_DETAIL_LOAD).where(Visit.id == visit_id)).one_or_none()
    if visit is None or not can_see(actor, visit.clinic_id):
        raise NotFound("visit not found")
    if actor.role == Role.DOCTOR and doctor_of(actor).id != visit.doctor_id:
        raise Forbidden("this visit belongs to another doctor")
    return visit_detail(visit)


def complete_visit(
    session: Session,
    *,
    actor: User,
    visit_id: int,
    notes: str | None = None,
    prescription: str | None = None,
    admin_may_complete: bool = False,
) -> VisitOut:
    """IN_PROGRESS → COMPLETED by the visit's own doctor (or, when `admin_may_complete`, an admin).

    The role is checked before the visit is even read, so a receptionist always gets the same 403; everything
    else (ownership 403, unknown 404, wrong status 409 with `current_status`) is decided by the state machine
    under its row lock, so two concurrent completions cannot both succeed.
    """
    if actor.role == Role.RECEPTIONIST:
        raise Forbidden(ONLY_THE_DOCTOR)
    if actor.role == Role.ADMIN and not admin_may_complete:
        raise Forbidden(ONLY_THE_DOCTOR)
    if actor.role == Role.DOCTOR:
        doctor_of(actor)  # a DOCTOR user without a doctor profile gets a clear 403
    visit = queue_service.change_visit_status(
        session,
        actor=actor,
        visit_id=visit_id,
        target=VisitStatus.COMPLETED,
        notes=notes,
        prescription=prescription,
    )
    return visit_out(visit)
