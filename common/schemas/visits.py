"""Visits and the queue."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from common.enums import Phase, VisitStatus
from common.schemas.admin import (
    DoctorBrief,
    ServiceBrief,
)
from common.schemas.base import Schema, field_error
from common.schemas.patients import PatientBrief


class VisitOut(Schema):
    id: int
    clinic_id: int
    patient_id: int
    doctor_id: int
    service_id: int
    appointment_id: int | None
    queue_date: date
    queue_number: int
    status: VisitStatus
    phase: Phase | None = None
    check_in_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    notes: str
    prescription: str
    version: int
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief


class QueueEntry(VisitOut):
    wait_minutes: int
    is_overdue: bool


class QueueBoard(Schema):
    date: date
    clinic_id: int
    overdue_wait_minutes: int
    waiting: list[QueueEntry]
    with_doctor: list[QueueEntry]
    completed: list[QueueEntry]


class CheckInRequest(Schema):
    """From an appointment (`appointment_id`) or a walk-in (`patient_id`, `doctor_id`, `service_id`)."""

    appointment_id: int | None = None
    patient_id: int | None = None
    doctor_id: int | None = None
    service_id: int | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _appointment_or_walk_in(self) -> "CheckInRequest":
        walk_in = {"patient_id": self.patient_id, "doctor_id": self.doctor_id, "service_id": self.service_id}
        given = [name for name, value in walk_in.items() if value is not None]
        if self.appointment_id is None and len(given) < len(walk_in):
            missing = "appointment_id" if not given else next(n for n in walk_in if n not in given)
            raise field_error(
                "CheckInRequest", missing, "give appointment_id, or patient_id, doctor_id and service_id for a walk-in"
            )
        if self.appointment_id is not None and given:
            raise field_error("CheckInRequest", given[0], "give either appointment_id or a walk-in, not both")
        return self


class PhaseMoveRequest(Schema):
    visit_id: int
    phase: Phase | None = None
    new_status: VisitStatus | None = None  # accepted for compatibility
    expected_version: int | None = None  # when given, a stale copy gets 409

    @model_validator(mode="after")
    def _one_target(self) -> "PhaseMoveRequest":
        if (self.phase is None) == (self.new_status is None):
            raise field_error("PhaseMoveRequest", "phase", "give exactly one of phase or new_status")
        return self


class CompleteConsultationRequest(Schema):
    visit_id: int
    notes: str | None = None
    prescription: str | None = None


def _storable(text: str) -> str:
    """PostgreSQL text holds neither NUL nor a lone surrogate (it cannot be UTF-8): refuse them as a 422."""
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from exc
    return text


ClinicalText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_storable)]


class VisitDraftRequest(Schema):
    """PUT /visits/{visit_id}/draft: the consultation's notes and prescription as typed so far, saved while the
    visit is IN_PROGRESS by its own doctor. `version` is the visit's version the editor was opened on; a draft
    save never bumps it."""

    notes: ClinicalText = ""
    prescription: ClinicalText = ""
    version: int = Field(ge=1, le=2**31 - 1)


class CompleteRequest(Schema):
    visit_id: int


class CancelVisitRequest(Schema):
    visit_id: int
    cancel_appointment: bool = False
