"""Scope, the one place for "is this row yours?": `resolve` for one row, the `*_clinic*` helpers for lists.

One outcome everywhere (DESIGN.md, "Minimum necessary"):
- a row that does not exist, or belongs to another clinic than the actor's (an admin's is every clinic) → 404,
  the same answer for both, so ids do not leak across clinics;
- a row of the actor's own clinic that belongs to another doctor → 403 (DOCTOR actors only: another doctor's
  visit, appointment or payment, a patient who never came to them, another doctor's id where their own is
  meant);
- otherwise the row.
A clinic named in a request body that does not exist is a 422 naming the field (`require_clinic`).
"""

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from common.enums import Role
from server.core.errors import Forbidden, InvalidInput, NotFound
from server.models import Appointment, Clinic, Doctor, Patient, Payment, Service, User, Visit
from server.services.auth import doctor_of
from server.services.locking import lock_row

M = TypeVar("M", Visit, Appointment, Payment, Patient, Doctor, Service, Clinic)

_NAMES: dict[type, str] = {
    Visit: "visit",
    Appointment: "appointment",
    Payment: "payment",
    Patient: "patient",
    Doctor: "doctor",
    Service: "service",
    Clinic: "clinic",
}


def can_see(actor: User, clinic_id: int) -> bool:
    """May the actor see rows of this clinic?"""
    return actor.role == Role.ADMIN or actor.clinic_id == clinic_id


def _clinic_of(row: Any) -> int:
    if isinstance(row, Clinic):
        return row.id
    if isinstance(row, Payment):
        return row.visit.clinic_id
    return cast(int, row.clinic_id)


def _doctor_knows(session: Session, doctor_id: int, patient_id: int) -> bool:
    """A patient is a doctor's once they had a visit or an appointment with them."""
    seen = exists().where(Visit.patient_id == patient_id, Visit.doctor_id == doctor_id)
    booked = exists().where(Appointment.patient_id == patient_id, Appointment.doctor_id == doctor_id)
    return bool(session.scalar(select(or_(seen, booked))))


def _is_theirs(session: Session, row: Any, doctor_id: int) -> bool:
    if isinstance(row, Visit | Appointment):
        return row.doctor_id == doctor_id
    if isinstance(row, Payment):
        return row.visit.doctor_id == doctor_id
    if isinstance(row, Doctor):
        return row.id == doctor_id
    if isinstance(row, Patient):
        return _doctor_knows(session, doctor_id, row.id)
    return True  # services, clinics: the whole clinic's


def resolve(
    session: Session,
    actor: User,
    model: type[M],
    row_id: int,
    *,
    field: str | None = None,
    lock: bool = False,
    key_share: bool = False,
    colleagues: bool = False,
    options: Sequence[Any] = (),
) -> M:
    """The row `row_id` of `model` if the actor may act on it, else the one outcome above (NotFound naming
    `field`, the body field that pointed at the row, when there is one; Forbidden).

    lock / key_share: read it under `locking.lock_row`. colleagues=True: a doctor may read another doctor's
    row of their clinic (the directory of doctors and their schedules)."""
    row: M | None = (
        lock_row(session, model, row_id, key_share=key_share, options=options)
        if lock
        else session.get(model, row_id, options=options)
    )
    what = _NAMES[model]
    if row is None or not can_see(actor, _clinic_of(row)):
        raise NotFound(f"{what} not found", **({"field": field} if field else {}))
    if actor.role == Role.DOCTOR and not colleagues and not _is_theirs(session, row, doctor_of(actor).id):
        raise Forbidden(f"this {what} belongs to another doctor" if what != "patient" else "not one of your patients")
    return row


def doctor_filter(session: Session, actor: User, doctor_id: int | None) -> int | None:
    """The doctor a list is limited to: a doctor always sees their own (naming another one is resolved like any
    id: 403 in their clinic, 404 elsewhere); front desk and admins may name any doctor, or none."""
    if actor.role != Role.DOCTOR:
        return doctor_id
    if doctor_id is not None:
        resolve(session, actor, Doctor, doctor_id, field="doctor_id")
    return doctor_of(actor).id


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
