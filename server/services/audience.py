"""Who may see which fields: one allow-list per audience, the one place for it (DESIGN.md, "Minimum necessary").

A socket receives only what its user could read over HTTP, so both paths are shaped from the tables below:
- `shape(body, audience)`: an event body for one room, as a JSON dict holding only the allowed fields (the
  others are absent);
- `redact(model, audience)`: an HTTP answer, the same wire model with the fields its reader may not see set to
  None (so each of them must be optional on the wire; checked when this module is imported).

A model missing from an audience's table may not reach that audience at all: shaping it raises, so a new event
body or a new nested model fails loudly until someone decides who may see it. A new field on a listed model is
not sent to an audience until it is added here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel

from common.enums import Role
from common.schemas import (
    AppointmentBrief,
    AppointmentEvent,
    AppointmentOut,
    DoctorBrief,
    DoctorOut,
    HistoryVisit,
    PatientBrief,
    PatientEvent,
    PatientOut,
    PatientWithDoctorEvent,
    PaymentDetail,
    PaymentEvent,
    PaymentOut,
    PriorityChangedEvent,
    QueueEntry,
    QueueUpdatedEvent,
    ServiceBrief,
    TimelineEntry,
    VisitCalledEvent,
    VisitDetail,
    VisitEvent,
    VisitOut,
    VisitStatusChangedEvent,
)
from server.models import User

M = TypeVar("M", bound=BaseModel)


class Audience(StrEnum):
    ADMIN = "admin"  # everything, every clinic (HTTP); an admin watching a clinic room gets the desk's payload
    DESK = "desk"  # the front desk: receptionists over HTTP, and the clinic room `clinic_{id}`
    DOCTOR = "doctor"  # the doctor a row belongs to: their own visits, appointments, payments; their room
    COLLEAGUE = "colleague"  # a doctor reading another doctor's profile in the clinic's directory


CLINICAL = frozenset({"notes", "prescription"})  # a visit's clinical fields (also on HistoryVisit)


def _all(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_fields)


def _but(model: type[BaseModel], hidden: frozenset[str]) -> frozenset[str]:
    assert hidden <= _all(model), (model.__name__, hidden - _all(model))
    return _all(model) - hidden


# Rows and briefs anyone of the clinic who may see the row sees whole.
_COMMON: tuple[type[BaseModel], ...] = (
    PatientBrief,
    DoctorBrief,
    ServiceBrief,
    AppointmentBrief,
    AppointmentOut,  # appointment notes are the desk's booking notes, not clinical
    PatientOut,  # history and allergies are taken at the desk
    PaymentOut,
    PaymentDetail,  # shares: the doctor concerned and the desk (DESIGN)
    QueueUpdatedEvent,
    VisitEvent,
    VisitStatusChangedEvent,
    AppointmentEvent,
    PaymentEvent,
    VisitCalledEvent,
    PriorityChangedEvent,
    TimelineEntry,  # who did what to a visit, when: the same readers as the visit, nothing clinical in it
)
_VISITS: tuple[type[BaseModel], ...] = (VisitOut, QueueEntry, VisitDetail, HistoryVisit)

ALLOWED: dict[Audience, dict[type[BaseModel], frozenset[str]]] = {
    Audience.DOCTOR: {
        **{m: _all(m) for m in (*_COMMON, *_VISITS)},
        PatientWithDoctorEvent: _all(PatientWithDoctorEvent),  # the doctor's room only
        DoctorOut: _all(DoctorOut),
    },
    Audience.DESK: {
        **{m: _all(m) for m in _COMMON},
        **{m: _but(m, CLINICAL) for m in _VISITS},
        DoctorOut: _all(DoctorOut),
        PatientEvent: _all(PatientEvent),  # the desk room only: a doctor sees only their own patients
    },
    Audience.COLLEAGUE: {
        DoctorOut: _but(DoctorOut, frozenset({"commission_rate"})),
        DoctorBrief: _all(DoctorBrief),
    },
}


def _check_redactable() -> None:
    """Every field an audience may not see must be optional on the wire (an HTTP answer carries it as None)."""
    for table in ALLOWED.values():
        for model, allowed in table.items():
            for name, info in model.model_fields.items():
                if name not in allowed and (info.is_required() or info.default is not None):
                    raise TypeError(f"{model.__name__}.{name} is hidden from an audience but is not `| None = None`")


_check_redactable()


class NotForThisAudience(LookupError):
    """A model with no allow-list entry for the audience was about to be sent to it."""


def allowed_fields(audience: Audience, model: type[BaseModel]) -> frozenset[str] | None:
    """The fields of `model` this audience may see; None means all (admins)."""
    if audience == Audience.ADMIN:
        return None
    try:
        return ALLOWED[audience][model]
    except KeyError:
        raise NotForThisAudience(f"{model.__name__} is not for the {audience.value} audience") from None


def of(viewer: User, *, doctor_id: int | None = None) -> Audience:
    """The audience of an HTTP reader for a row belonging to `doctor_id` (None: a row of no one doctor)."""
    if viewer.role == Role.ADMIN:
        return Audience.ADMIN
    if viewer.role == Role.RECEPTIONIST:
        return Audience.DESK
    own = viewer.doctor is not None and doctor_id is not None and viewer.doctor.id == doctor_id
    return Audience.DOCTOR if own else Audience.COLLEAGUE


def _walk(value: Any, audience: Audience, on_model: Any) -> Any:
    if isinstance(value, BaseModel):
        return on_model(value, audience)
    if isinstance(value, list):
        return [_walk(v, audience, on_model) for v in value]
    return value


def redact(model: M, audience: Audience) -> M:
    """The same wire model with what the audience may not see set to None (nested models too)."""
    if audience == Audience.ADMIN:
        return model
    allowed = allowed_fields(audience, type(model))
    assert allowed is not None
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name not in allowed:
            if value is not None:
                update[name] = None
        elif isinstance(value, BaseModel | list):
            update[name] = _walk(value, audience, redact)
    return model.model_copy(update=update) if update else model


def shape(body: BaseModel, audience: Audience) -> dict[str, Any]:
    """An event body as a JSON-ready dict holding only the fields the audience may see (the rest absent)."""
    data = body.model_dump(mode="json")
    _prune(body, data, audience)
    return data


def _prune(model: BaseModel, data: dict[str, Any], audience: Audience) -> None:
    allowed = allowed_fields(audience, type(model))
    for name in type(model).model_fields:
        if allowed is not None and name not in allowed:
            data.pop(name, None)
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _prune(value, data[name], audience)
        elif isinstance(value, list):
            for item, item_data in zip(value, data[name], strict=True):
                if isinstance(item, BaseModel):
                    _prune(item, item_data, audience)
