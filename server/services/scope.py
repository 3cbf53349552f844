"""Clinic scoping shared by the reception services: staff act inside their own clinic, admins in any.

Another clinic's rows are reported as missing (404), so ids do not leak across clinics.
"""

from sqlalchemy.orm import Session

from common.enums import Role
from server.core.errors import InvalidInput, NotFound
from server.models import Clinic, User


def resolve_clinic_id(actor: User, clinic_id: int | None) -> int:
    """The clinic a list/board request is about: the caller's own, or (admin) the one asked for."""
    if actor.role == Role.ADMIN:
        if clinic_id is None:
            raise InvalidInput("clinic_id", "an admin must pass clinic_id")
        return clinic_id
    if actor.clinic_id is None:
        raise NotFound("clinic not found")
    if clinic_id is not None and clinic_id != actor.clinic_id:
        raise NotFound("clinic not found")
    return actor.clinic_id


def get_clinic(session: Session, actor: User, clinic_id: int | None) -> Clinic:
    clinic = session.get(Clinic, resolve_clinic_id(actor, clinic_id))
    if clinic is None:
        raise NotFound("clinic not found")
    return clinic


def ensure_clinic(actor: User, clinic_id: int, what: str) -> None:
    """Raise NotFound(what) unless the actor may see rows of this clinic."""
    if actor.role != Role.ADMIN and actor.clinic_id != clinic_id:
        raise NotFound(f"{what} not found")
