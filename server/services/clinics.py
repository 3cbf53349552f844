"""Clinics: admin CRUD (who sees which clinic is decided in services/scope.py)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from common.schemas import ClinicCreate, ClinicOut, ClinicUpdate
from server.core.errors import Conflict, InvalidInput, NotFound
from server.models import Appointment, Clinic, Doctor, Patient, Service, User, Visit
from server.services._updates import commit_or_conflict, sent_fields
from server.services.locking import lock_row
from server.services.scope import resolve
from server.services.serializers import clinic_out


def _check_timezone(name: str) -> None:
    # "today" for queue numbers and dashboards is computed in this zone, so a typo must not get in.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("timezone", f"unknown IANA time zone {name!r}") from exc


def list_clinics(session: Session) -> list[ClinicOut]:
    return [clinic_out(c) for c in session.scalars(select(Clinic).order_by(Clinic.name, Clinic.id))]


def get_clinic(session: Session, *, clinic_id: int, viewer: User) -> ClinicOut:
    return clinic_out(resolve(session, viewer, Clinic, clinic_id))


def create_clinic(session: Session, *, data: ClinicCreate) -> ClinicOut:
    _check_timezone(data.timezone)
    clinic = Clinic(**data.model_dump())
    session.add(clinic)
    commit_or_conflict(session, "clinic could not be created")
    return clinic_out(clinic)


def update_clinic(session: Session, *, clinic_id: int, data: ClinicUpdate) -> ClinicOut:
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound("clinic not found")
    changes = sent_fields(data)
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    for field, value in changes.items():
        setattr(clinic, field, value)
    commit_or_conflict(session, "clinic could not be updated")
    return clinic_out(clinic)


_Referrer = type[User] | type[Doctor] | type[Service] | type[Patient] | type[Appointment] | type[Visit]
_REFERENCES: tuple[tuple[str, _Referrer], ...] = (
    ("users", User),
    ("doctors", Doctor),
    ("services", Service),
    ("patients", Patient),
    ("appointments", Appointment),
    ("visits", Visit),
)


def delete_clinic(session: Session, *, clinic_id: int) -> ClinicOut:
    """Delete a clinic nothing refers to yet (e.g. one created by mistake); otherwise 409 naming what refers to
    it. A clinic in use keeps its history, so there is no soft delete: deactivate its users instead."""
    clinic = lock_row(session, Clinic, clinic_id)
    if clinic is None:
        raise NotFound("clinic not found")
    used_by = [
        name for name, model in _REFERENCES if session.scalar(exists().where(model.clinic_id == clinic_id).select())
    ]
    if used_by:
        raise Conflict(f"clinic is still referenced by {', '.join(used_by)}", referenced_by=used_by)
    out = clinic_out(clinic)
    session.delete(clinic)
    commit_or_conflict(session, "clinic is still referenced")
    return out
