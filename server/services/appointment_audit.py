"""An appointment's audit trail (`appointment_changes`): every service that changes an appointment writes its line
here, in the same transaction as the change, so the visit timeline can say who booked, moved, checked in,
completed, cancelled or no-showed it, and when.

Actions: BOOKED, RESCHEDULED (doctor, service or time; `detail` says from what to what), NOTES, and STATUS (every
status change: from_status → to_status). `actor_id` None is the server's own no-show task.
"""

from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from common.enums import AppointmentStatus
from server.core.db import utcnow
from server.models import Appointment, AppointmentChange
from server.services.clinic_time import clinic_tz

Action = Literal["BOOKED", "RESCHEDULED", "NOTES", "STATUS"]


def record(
    session: Session,
    appt: Appointment,
    action: Action,
    *,
    actor_id: int | None,
    from_status: AppointmentStatus | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> None:
    session.add(
        AppointmentChange(
            appointment_id=appt.id,
            action=action,
            from_status=from_status,
            to_status=appt.status,
            detail=detail[:500],
            changed_by=actor_id,
            changed_at=at or utcnow(),
        )
    )


def status_changed(
    session: Session,
    appt: Appointment,
    before: AppointmentStatus,
    *,
    actor_id: int | None,
    detail: str = "",
    at: datetime | None = None,
) -> None:
    """A STATUS line, when the status did change (the appointment already holds its new one). `at`: the instant
    of the visit's change that caused it, so the two lines of one action read together."""
    if appt.status != before:
        record(session, appt, "STATUS", actor_id=actor_id, from_status=before, detail=detail, at=at)


def slot_words(appt: Appointment, timezone: str) -> str:
    """ "Tue 01 Dec 2026 09:00, Dr Wilson, Consultation": the slot as the clinic reads it, kept as it was then."""
    start = appt.start_time.astimezone(clinic_tz(timezone)).strftime("%a %d %b %Y %H:%M")
    return f"{start}, {appt.doctor.full_name}, {appt.service.name}"
