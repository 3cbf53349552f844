"""Socket event bodies (each event also carries the EventEnvelope fields)."""

from datetime import datetime
from typing import Annotated

from common.enums import Priority, VisitStatus
from common.schemas.appointments import (
    AppointmentOut,
)
from common.schemas.base import Code, Schema, Text
from common.schemas.patients import PatientOut
from common.schemas.payments import PaymentDetail
from common.schemas.visits import VisitOut


class EventEnvelope(Schema):
    """Fields every server event carries: `seq` is gapless per `room` (the room the event was sent to:
    "clinic_3" for the front desk, "doctor_7" for one doctor)."""

    seq: int
    room: Annotated[str, Text(64)]
    clinic_id: int
    emitted_at: datetime


# Event bodies (each event also carries the EventEnvelope fields). patient_with_doctor: PatientWithDoctorEvent.


class QueueUpdatedEvent(Schema):
    """`queue_updated`: something on the board changed; `reason` is checkin | status_changed."""

    visit_id: int
    reason: Code


class VisitEvent(Schema):
    """`new_checkin` and `consultation_completed`."""

    visit: VisitOut


class VisitStatusChangedEvent(Schema):
    visit: VisitOut
    from_status: VisitStatus | None
    to_status: VisitStatus
    changed_by: int | None  # user id


class AppointmentEvent(Schema):
    """`appointment_created`, `appointment_updated`, `appointment_cancelled`."""

    appointment: AppointmentOut


class PatientEvent(Schema):
    """`patient_created`, `patient_updated`: the desk room only (a doctor sees only their own patients)."""

    patient: PatientOut


class PaymentEvent(Schema):
    """`payment_processed` (created, paid or refunded)."""

    payment: PaymentDetail


class VisitCalledEvent(Schema):
    """`visit_called`: the patient is called (to the waiting-room display and the desk)."""

    visit_id: int
    queue_number: int
    doctor_id: int
    room: Annotated[str, Text(40)]


class PriorityChangedEvent(Schema):
    """`priority_changed`."""

    visit_id: int
    priority: Priority
