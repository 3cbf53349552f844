"""No-shows: the desk marks one from the board, and a server task marks the rest (DESIGN "Queue priority, calling,
display": an appointment not checked in `Clinic.no_show_after_minutes` after its start becomes NO_SHOW).

The task is safe with several server processes: one round at a time across all of them (a transaction-level
advisory try-lock: a process that finds it taken skips its round), and each row is changed by a conditional
`UPDATE … WHERE status = 'CONFIRMED' … RETURNING`, its candidates locked FOR UPDATE SKIP LOCKED, so an
appointment being checked in right now is left alone (and a check-in after the UPDATE finds it NO_SHOW: 409).
"""

import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from common import events as ev
from common.enums import AppointmentStatus
from common.schemas import AppointmentEvent, AppointmentOut
from server.core.db import new_session, utcnow
from server.core.errors import Conflict
from server.models import Appointment, Clinic, User
from server.services import appointment_audit, outbox
from server.services.scope import resolve
from server.services.serializers import APPOINTMENT_LOAD, appointment_out

log = logging.getLogger(__name__)

_NO_SHOW_SWEEP_LOCK = 3  # pg_advisory_xact_lock class (services/locking.py keeps 1 and 2)
BATCH = 500  # appointments one round marks at most; the next round takes the rest


def _tell(session: Session, appt: Appointment) -> None:
    body = AppointmentEvent(appointment=appointment_out(appt))
    outbox.stage(session, ev.APPOINTMENT_UPDATED, body, clinic_id=appt.clinic_id, doctors=(appt.doctor_id,))


def refuse_before_start(appt: Appointment, now: datetime | None = None) -> None:
    """A patient can only fail to show up once their appointment has begun: marking a later one NO_SHOW would
    free its slot while the patient may still come (to call it off, cancel it). 409 coded `not_started`."""
    if (now or utcnow()) < appt.start_time:
        raise Conflict(
            "this appointment has not started yet; cancel it instead if the patient will not come",
            code="not_started",
            current_status=appt.status.value,
            start_time=appt.start_time.isoformat(),
        )


def mark_no_show(session: Session, *, actor: User, appointment_id: int) -> AppointmentOut:
    """The desk marks a CONFIRMED appointment (not checked in) that has begun a no-show; anything else is 409."""
    appt = resolve(session, actor, Appointment, appointment_id, lock=True)
    if appt.status != AppointmentStatus.CONFIRMED:
        what = "checked in" if appt.status == AppointmentStatus.CHECKED_IN else appt.status.value.lower()
        raise Conflict(f"a {what} appointment cannot be marked a no-show", current_status=appt.status.value)
    refuse_before_start(appt)
    appt.status = AppointmentStatus.NO_SHOW
    appointment_audit.status_changed(session, appt, AppointmentStatus.CONFIRMED, actor_id=actor.id)
    session.flush()
    _tell(session, appt)
    session.commit()
    return appointment_out(appt)


def mark_overdue(session: Session, *, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """One round: every CONFIRMED appointment whose start + its clinic's `no_show_after_minutes` has passed
    becomes NO_SHOW, each with its `appointment_updated`; commits and returns their ids (none when another
    process is running a round)."""
    now = now or utcnow()
    if not session.scalar(select(func.pg_try_advisory_xact_lock(_NO_SHOW_SWEEP_LOCK, 0))):
        session.rollback()
        return []
    overdue = (
        select(Appointment.id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .where(
            Appointment.status == AppointmentStatus.CONFIRMED,
            Appointment.start_time + func.make_interval(0, 0, 0, 0, 0, Clinic.no_show_after_minutes) <= now,
        )
        .order_by(Appointment.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Appointment)
    )
    marked = session.scalars(
        update(Appointment)
        .where(Appointment.id.in_(overdue.scalar_subquery()), Appointment.status == AppointmentStatus.CONFIRMED)
        .values(status=AppointmentStatus.NO_SHOW, updated_at=now)
        .returning(Appointment.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not marked:
        session.rollback()
        return []
    rows = session.execute(
        select(Appointment, Clinic.no_show_after_minutes)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .options(*APPOINTMENT_LOAD)
        .where(Appointment.id.in_(marked))
        .order_by(Appointment.id)
        .execution_options(populate_existing=True)
    ).all()
    for appt, after_minutes in rows:
        late = f"not checked in {after_minutes} min after its start (marked by the server)"
        appointment_audit.record(
            session, appt, "STATUS", actor_id=None, from_status=AppointmentStatus.CONFIRMED, detail=late, at=now
        )
        _tell(session, appt)
    session.commit()
    log.info("marked %d appointment(s) no-show", len(marked))
    return sorted(marked)


def sweep() -> int:
    """The server task's job (blocking: run it in a thread): one round in a session of its own."""
    with new_session() as session:
        return len(mark_overdue(session))
