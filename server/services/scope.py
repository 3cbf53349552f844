"""Clinic scoping, the one place for it: staff act inside their own clinic, admins in any.

Another clinic's rows are reported as missing (404), so ids do not leak across clinics. A clinic named in a
request body that does not exist is a 422 naming the field.
"""

from sqlalchemy.orm import Session

from common.enums import Role
from server.core.errors import InvalidInput, NotFound
from server.models import Clinic, User


def can_see(actor: User, clinic_id: int) -> bool:
    """May the actor see rows of this clinic?"""
    return actor.role == Role.ADMIN or actor.clinic_id == clinic_id


def ensure_clinic(actor: User, clinic_id: int, what: str, *, field: str | None = None) -> None:
    """Raise NotFound(what) unless the actor may see rows of this clinic; `field` names the body field that
    pointed at the row, when there is one."""
    if not can_see(actor, clinic_id):
        raise NotFound(f"{what} not found", **({"field": field} if field else {}))


def visible_clinic_id(actor: User, requested: int | None) -> int | None:
    """The clinic a read is limited to: an admin's choice (None = all clinics), else the actor's own clinic.
    Staff asking for another clinic get 404."""
    if actor.role == Role.ADMIN:
        return requested
    if requested is not None and requested != actor.clinic_id:
        raise NotFound("clinic not found", field="clinic_id")
    return actor.clinic_id


def resolve_clinic_id(actor: User, requested: int | None) -> int:
    """The one clinic a board/list/create request is about: the actor's own, or (admin) the one asked for."""
    clinic_id = visible_clinic_id(actor, requested)
    if clinic_id is None:
        if actor.role == Role.ADMIN:
            raise InvalidInput("clinic_id", "an admin must pass clinic_id")
        raise NotFound("clinic not found")  # a staff account without a clinic
    return clinic_id


def get_clinic(session: Session, actor: User, clinic_id: int | None) -> Clinic:
    """The Clinic row of `resolve_clinic_id`."""
    clinic = session.get(Clinic, resolve_clinic_id(actor, clinic_id))
    if clinic is None:
        raise NotFound("clinic not found", field="clinic_id")
    return clinic


def require_clinic(session: Session, clinic_id: int, *, field: str = "clinic_id") -> Clinic:
    """A clinic named in a request body; unknown → 422 naming the field."""
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise InvalidInput(field, f"clinic {clinic_id} does not exist")
    return clinic
