"""Socket.IO event names, written once for the server and both apps, and the schema of each event's body.

`parse_event` is the one way a client turns a received payload into its typed body (the Qt EventBridge uses it
for both apps); the envelope fields (`seq`, `room`, `clinic_id`, `emitted_at`) are read by LiveEvents and
ignored by these models.
"""

import logging
from typing import Any

from pydantic import BaseModel, ValidationError

from common.schemas import (
    AppointmentEvent,
    PatientEvent,
    PatientWithDoctorEvent,
    PaymentEvent,
    PriorityChangedEvent,
    QueueUpdatedEvent,
    VisitCalledEvent,
    VisitEvent,
    VisitStatusChangedEvent,
)

log = logging.getLogger(__name__)

QUEUE_UPDATED = "queue_updated"
NEW_CHECKIN = "new_checkin"
VISIT_STATUS_CHANGED = "visit_status_changed"
APPOINTMENT_CREATED = "appointment_created"
APPOINTMENT_UPDATED = "appointment_updated"
APPOINTMENT_CANCELLED = "appointment_cancelled"
PAYMENT_PROCESSED = "payment_processed"
PATIENT_WITH_DOCTOR = "patient_with_doctor"
CONSULTATION_COMPLETED = "consultation_completed"
VISIT_CALLED = "visit_called"
PRIORITY_CHANGED = "priority_changed"
PATIENT_CREATED = "patient_created"  # the desk room only
PATIENT_UPDATED = "patient_updated"  # the desk room only

# Sent by the server to one socket when a join request is refused.
ERROR = "error"

# Client → server (kept for compatibility; the server joins rooms from the token on connect).
JOIN_DOCTOR_ROOM = "join_doctor_room"
JOIN_CLINIC_ROOM = "join_clinic_room"

ALL_EVENTS: tuple[str, ...] = (
    QUEUE_UPDATED,
    NEW_CHECKIN,
    VISIT_STATUS_CHANGED,
    APPOINTMENT_CREATED,
    APPOINTMENT_UPDATED,
    APPOINTMENT_CANCELLED,
    PAYMENT_PROCESSED,
    PATIENT_WITH_DOCTOR,
    CONSULTATION_COMPLETED,
    VISIT_CALLED,
    PRIORITY_CHANGED,
    PATIENT_CREATED,
    PATIENT_UPDATED,
)


EVENT_SCHEMAS: dict[str, type[BaseModel]] = {
    QUEUE_UPDATED: QueueUpdatedEvent,
    NEW_CHECKIN: VisitEvent,
    VISIT_STATUS_CHANGED: VisitStatusChangedEvent,
    APPOINTMENT_CREATED: AppointmentEvent,
    APPOINTMENT_UPDATED: AppointmentEvent,
    APPOINTMENT_CANCELLED: AppointmentEvent,
    PAYMENT_PROCESSED: PaymentEvent,
    PATIENT_WITH_DOCTOR: PatientWithDoctorEvent,
    CONSULTATION_COMPLETED: VisitEvent,
    VISIT_CALLED: VisitCalledEvent,
    PRIORITY_CHANGED: PriorityChangedEvent,
    PATIENT_CREATED: PatientEvent,
    PATIENT_UPDATED: PatientEvent,
}


def parse_event(name: str, payload: Any) -> BaseModel | None:
    """The event's body as its wire model (e.g. PatientWithDoctorEvent), or None if unknown or malformed."""
    schema = EVENT_SCHEMAS.get(name)
    if schema is None or not isinstance(payload, dict):
        return None
    try:
        return schema.model_validate(payload)
    except ValidationError as exc:
        log.warning("malformed %s event ignored: %s", name, exc.errors(include_url=False)[:3])
        return None


def clinic_room(clinic_id: int) -> str:
    return f"clinic_{clinic_id}"


def doctor_room(doctor_id: int) -> str:
    """Room of a doctor: always the Doctor row's id, never the User id."""
    return f"doctor_{doctor_id}"


# The newest seq a client has heard in each of its rooms, sent with a refetch of a cached list (GET /queue, GET
# /dashboard/doctor): "clinic_3=120, doctor_7=45". A server process that holds that list's answer built at that
# seq or later answers it from memory (server/services/cached_reads.py); otherwise it reads the database.
ROOM_SEQ_HEADER = "X-Room-Seq"
_MAX_ROOM_SEQ_HEADER = 512  # a client is in one or two rooms; anything longer is not ours


def format_room_seqs(seqs: dict[str, int]) -> str:
    return ", ".join(f"{room}={seq}" for room, seq in sorted(seqs.items()))


def parse_room_seqs(header: str | None) -> dict[str, int]:
    """The rooms and seqs of an X-Room-Seq header; malformed parts are left out (they only cost a database read)."""
    seqs: dict[str, int] = {}
    if not header or len(header) > _MAX_ROOM_SEQ_HEADER:
        return seqs
    for part in header.split(","):
        room, sep, seq = part.strip().partition("=")
        if sep and room and seq.isascii() and seq.isdigit():
            seqs[room] = int(seq)
    return seqs
