"""Socket.IO event names, written once for the server and both apps."""

QUEUE_UPDATED = "queue_updated"
NEW_CHECKIN = "new_checkin"
VISIT_STATUS_CHANGED = "visit_status_changed"
APPOINTMENT_CREATED = "appointment_created"
APPOINTMENT_UPDATED = "appointment_updated"
APPOINTMENT_CANCELLED = "appointment_cancelled"
PAYMENT_PROCESSED = "payment_processed"
PATIENT_WITH_DOCTOR = "patient_with_doctor"
CONSULTATION_COMPLETED = "consultation_completed"

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
)


def clinic_room(clinic_id: int) -> str:
    return f"clinic_{clinic_id}"


def doctor_room(doctor_id: int) -> str:
    """Room of a doctor: always the Doctor row's id, never the User id."""
    return f"doctor_{doctor_id}"
