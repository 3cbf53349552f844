"""Reading one visit, and completing a consultation through the one state machine (services.queue)."""

from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.schemas import VisitDetail, VisitOut
from server.core.errors import Forbidden
from server.models import User, Visit
from server.services import audience
from server.services import queue as queue_service
from server.services.auth import doctor_of
from server.services.scope import resolve
from server.services.serializers import VISIT_DETAIL_LOAD, visit_detail

ONLY_THE_DOCTOR = "only the doctor can complete a consultation"


def get_visit_detail(session: Session, *, actor: User, visit_id: int) -> VisitDetail:
    """A doctor sees only their own visits, receptionists their clinic's without the clinical fields, admins all
    (scope.resolve: another clinic's → 404, another doctor's → 403)."""
    visit = resolve(session, actor, Visit, visit_id, options=VISIT_DETAIL_LOAD)
    return visit_detail(visit, audience.of(actor, doctor_id=visit.doctor_id))


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
    return queue_service.change_visit_status(
        session,
        actor=actor,
        visit_id=visit_id,
        target=VisitStatus.COMPLETED,
        notes=notes,
        prescription=prescription,
    )
