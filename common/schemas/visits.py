"""Visits and the queue."""

from datetime import date, datetime
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from common.enums import PaymentStatus, Phase, Priority, VisitStatus
from common.schemas.admin import (
    DoctorBrief,
    ServiceBrief,
)
from common.schemas.base import Code, Id, LongText, Room, Schema, Text, Version, field_error
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
    # Clinical: only the visit's own doctor and admins get them (None for the front desk, DESIGN "Minimum
    # necessary"); the desk's note at check-in is `checkin_note`, seen by the desk and the doctor.
    notes: Annotated[str, Text(20_000)] | None = None
    prescription: Annotated[str, Text(20_000)] | None = None
    checkin_note: Annotated[str, Text(20_000)] = ""
    priority: Priority = Priority.NORMAL
    room: Annotated[str, Text(40)] = ""  # set when called
    called_at: datetime | None = None
    version: int
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief


class QueueEntry(VisitOut):
    wait_minutes: int
    is_overdue: bool
    # The visit's live payment (PENDING or PAID), else its last one (REFUNDED), else None: unpaid.
    payment_status: PaymentStatus | None = None


class QueueBoard(Schema):
    date: date
    clinic_id: int
    overdue_wait_minutes: int
    waiting: list[QueueEntry]
    with_doctor: list[QueueEntry]
    completed: list[QueueEntry]


class QueueQuery(Schema):
    """GET /queue: one clinic-local day of the board (default: the clinic's today)."""

    model_config = ConfigDict(populate_by_name=True)

    day: date | None = Field(default=None, alias="date", description="the clinic's local day; default today")
    doctor_id: Id | None = None
    clinic_id: Id | None = Field(default=None, description="admin only")


class CheckInRequest(Schema):
    """From an appointment (`appointment_id`) or a walk-in (`patient_id`, `doctor_id`, `service_id`)."""

    appointment_id: Id | None = None
    patient_id: Id | None = None
    doctor_id: Id | None = None
    service_id: Id | None = None
    notes: LongText = ""  # reception's note at check-in (stored as the visit's checkin_note, not its clinical notes)
    priority: Priority = Priority.NORMAL

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
    visit_id: Id
    phase: Phase | None = None
    new_status: VisitStatus | None = None  # accepted for compatibility
    expected_version: Version | None = None  # when given, a stale copy gets 409
    # A send to a doctor who already has `Clinic.max_active_per_doctor` patients IN_PROGRESS answers 409
    # (code `doctor_busy`) unless the desk confirmed it.
    confirm: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> "PhaseMoveRequest":
        if (self.phase is None) == (self.new_status is None):
            raise field_error("PhaseMoveRequest", "phase", "give exactly one of phase or new_status")
        return self


class CompleteConsultationRequest(Schema):
    visit_id: Id
    notes: LongText | None = None
    prescription: LongText | None = None


class VisitDraftRequest(Schema):
    """PUT /visits/{visit_id}/draft: the consultation's notes and prescription as typed so far, saved while the
    visit is IN_PROGRESS by its own doctor. `version` is the visit's version the editor was opened on; a draft
    save never bumps it."""

    notes: LongText = ""
    prescription: LongText = ""
    version: Annotated[Version, Field(ge=1)]  # versions start at 1


class CompleteRequest(Schema):
    visit_id: Id


class CancelVisitRequest(Schema):
    visit_id: Id
    cancel_appointment: bool = False


class PriorityRequest(Schema):
    """POST /queue/priority (reception, admin): audited with who and when."""

    visit_id: Id
    priority: Priority


class CallRequest(Schema):
    """POST /queue/call: WAITING -> CALLED, optionally to a room (reception, admin, the visit's doctor)."""

    visit_id: Id
    room: Room = ""


class CallNextRequest(Schema):
    """POST /queue/call-next: call the doctor's first waiting visit (by priority, then check-in)."""

    doctor_id: Id
    room: Room = ""


class TimelineEntry(Schema):
    """One line of GET /visits/{id}/timeline, oldest first.

    kind: `status` (from/to are statuses), `priority` (from/to are priorities), `call` (detail is the room),
    `payment` (to is the payment status; detail the amount and method), `appointment` (the visit's appointment:
    to is BOOKED, RESCHEDULED, NOTES or its new status, from its old status; detail the slot, or a reason)."""

    kind: Code
    at: datetime
    by_user_id: int | None
    by_name: Annotated[str, Text(200)] | None
    from_value: Code | None = None
    to_value: Code | None = None
    detail: Annotated[str, Text(500)] = ""
