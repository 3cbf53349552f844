"""Appointments: list with filters, book, reschedule, cancel.

Booking rules: the doctor must be available (DoctorSchedule, hour by hour in the clinic's local time) for the
whole slot, and must not have another live appointment overlapping it. The doctor row is locked (FOR NO KEY
UPDATE) while checking, so two concurrent bookings of one doctor are serialised and cannot both pass; the
weaker lock still lets check-ins reference the doctor row, so the two never deadlock.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import events as ev
from common.enums import AppointmentStatus, Role
from common.schemas import (
    AppointmentCreate,
    AppointmentEvent,
    AppointmentOut,
    AppointmentsQuery,
    AppointmentUpdate,
    FreeSlots,
    FreeSlotsQuery,
    Page,
)
from server.core.errors import Conflict, InvalidInput, NotFound
from server.models import Appointment, Clinic, Doctor, DoctorSchedule, Patient, Service, User
from server.services import appointment_audit, outbox
from server.services._updates import sent_fields
from server.services.clinic_time import clinic_tz, local_day_bounds, within_local_days
from server.services.listing import paginate
from server.services.locking import lock_row
from server.services.no_shows import refuse_before_start
from server.services.scope import doctor_filter, get_clinic, resolve
from server.services.serializers import APPOINTMENT_LOAD, appointment_out

# Appointments that hold their slot (cancelled and no-show ones free it).
LIVE_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)


def _aware(field: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(field, "give the time with a timezone offset (e.g. 2025-01-31T09:00:00+00:00)")
    return value.astimezone(UTC)


def _lock_doctor(session: Session, doctor_id: int, clinic_id: int, *, active: bool = True) -> Doctor:
    doctor = lock_row(session, Doctor, doctor_id, key_share=True)
    if doctor is None or doctor.clinic_id != clinic_id:
        raise NotFound("doctor not found", field="doctor_id")
    if active and not doctor.is_active:
        raise Conflict("this doctor is inactive", field="doctor_id")
    return doctor


def _service(session: Session, service_id: int, clinic_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.clinic_id != clinic_id:
        raise NotFound("service not found", field="service_id")
    if not service.is_active:
        raise Conflict("this service is inactive", field="service_id")
    return service


def local_hours(start: datetime, end: datetime, timezone: str) -> list[tuple[int, int]]:
    """The (day_of_week, hour) local slots that [start, end) touches, in order (DST-correct)."""
    tz = clinic_tz(timezone)
    slots: list[tuple[int, int]] = []
    cursor = start
    while cursor < end:
        local = cursor.astimezone(tz)
        slots.append((local.weekday(), local.hour))
        cursor = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC) + timedelta(hours=1)
    return slots


def _check_schedule(session: Session, doctor: Doctor, start: datetime, end: datetime, timezone: str) -> None:
    available = {
        (row.day_of_week, row.hour)
        for row in session.scalars(
            select(DoctorSchedule).where(DoctorSchedule.doctor_id == doctor.id, DoctorSchedule.is_available)
        )
    }
    missing = [slot for slot in local_hours(start, end, timezone) if slot not in available]
    if missing:
        day, hour = missing[0]
        names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        raise Conflict(
            f"the doctor is not available on {names[day]} at {hour:02d}:00 (clinic time)",
            reason="outside_schedule",
            field="start_time",
            day_of_week=day,
            hour=hour,
        )


def _check_clash(session: Session, doctor_id: int, start: datetime, end: datetime, exclude_id: int | None) -> None:
    stmt = select(Appointment).where(
        Appointment.doctor_id == doctor_id,
        Appointment.status.in_(LIVE_STATUSES),
        Appointment.start_time < end,
        Appointment.end_time > start,
    )
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    clash = session.scalars(stmt.order_by(Appointment.start_time).limit(1)).first()
    if clash is not None:
        raise Conflict(
            f"the doctor already has appointment #{clash.id} from {clash.start_time.isoformat()} "
            f"to {clash.end_time.isoformat()}",
            reason="double_booking",
            field="start_time",
            appointment_id=clash.id,
        )


def _check_slot(
    session: Session, *, clinic: Clinic, doctor: Doctor, start: datetime, end: datetime, exclude_id: int | None
) -> None:
    _check_schedule(session, doctor, start, end, clinic.timezone)
    _check_clash(session, doctor.id, start, end, exclude_id)


def _emit_and_commit(
    session: Session, name: str, appt: Appointment, *, old_doctor: int | None = None
) -> AppointmentOut:
    """To the desk and the appointment's doctor; when it moved to another doctor, the old one is told too (it
    left their schedule: the body shows its new doctor_id). Commits; answers the appointment."""
    out = appointment_out(appt)
    doctors = (appt.doctor_id,) if old_doctor in (None, appt.doctor_id) else (appt.doctor_id, old_doctor)
    outbox.stage(session, name, AppointmentEvent(appointment=out), clinic_id=appt.clinic_id, doctors=doctors)
    session.commit()
    return out


def get_appointment(session: Session, *, actor: User, appointment_id: int) -> AppointmentOut:
    return appointment_out(resolve(session, actor, Appointment, appointment_id))


def list_appointments(session: Session, *, actor: User, query: AppointmentsQuery) -> Page[AppointmentOut]:
    """Dates are the clinic's local days, inclusive; a doctor sees only their own appointments. Without a status
    filter, NO_SHOW appointments are left out (they leave the day's list); ask for them by status."""
    doctor_id = doctor_filter(session, actor, query.doctor_id)
    clinic = get_clinic(session, actor, query.clinic_id)
    conditions = [Appointment.clinic_id == clinic.id]
    conditions += within_local_days(Appointment.start_time, clinic.timezone, query.start_date, query.end_date)
    if doctor_id is not None:
        conditions.append(Appointment.doctor_id == doctor_id)
    if query.patient_id is not None:
        conditions.append(Appointment.patient_id == query.patient_id)
    if query.status:
        conditions.append(Appointment.status.in_(query.status))
    else:
        conditions.append(Appointment.status != AppointmentStatus.NO_SHOW)
    stmt = (
        select(Appointment)
        .options(*APPOINTMENT_LOAD)
        .where(*conditions)
        .order_by(Appointment.start_time, Appointment.id)
    )
    return paginate(session, stmt, query, schema=AppointmentOut, item=appointment_out)


def create_appointment(session: Session, *, actor: User, data: AppointmentCreate) -> AppointmentOut:
    """The desk and admins book for any doctor of the clinic; a doctor books a follow-up for themselves only
    (another doctor's id → 403) and only for one of their own patients (scope.resolve). Same schedule and
    double-booking rules for everyone; `appointment_created` reaches the desk and the doctor's room."""
    patient = resolve(session, actor, Patient, data.patient_id, field="patient_id")
    if actor.role == Role.DOCTOR:
        resolve(session, actor, Doctor, data.doctor_id, field="doctor_id")
    clinic = session.get(Clinic, patient.clinic_id)
    assert clinic is not None
    service = _service(session, data.service_id, clinic.id)
    doctor = _lock_doctor(session, data.doctor_id, clinic.id)
    start = _aware("start_time", data.start_time)
    end = start + timedelta(minutes=service.duration_minutes)
    _check_slot(session, clinic=clinic, doctor=doctor, start=start, end=end, exclude_id=None)
    appt = Appointment(
        clinic_id=clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=end,
        status=AppointmentStatus.CONFIRMED,
        notes=data.notes,
        created_by=actor.id,
    )
    session.add(appt)
    session.flush()
    appt.doctor, appt.service = doctor, service  # for the audit line's words (no lazy load)
    appointment_audit.record(
        session, appt, "BOOKED", actor_id=actor.id, detail=appointment_audit.slot_words(appt, clinic.timezone)
    )
    return _emit_and_commit(session, ev.APPOINTMENT_CREATED, appt)


def update_appointment(
    session: Session, *, actor: User, appointment_id: int, data: AppointmentUpdate
) -> AppointmentOut:
    """Reschedule / change doctor or service (re-checking the slot), edit notes, or mark a NO_SHOW."""
    appt = resolve(session, actor, Appointment, appointment_id, lock=True)
    changes = sent_fields(data)  # an explicit null is a 422 naming the field, as in every PATCH
    if changes.get("status") not in (None, AppointmentStatus.NO_SHOW):
        raise InvalidInput("status", "only NO_SHOW can be set here; use check-in or cancel for the others")
    if appt.status != AppointmentStatus.CONFIRMED and set(changes) - {"notes"}:
        raise Conflict(f"a {appt.status.value} appointment cannot be changed", current_status=appt.status.value)
    old_doctor = appt.doctor_id
    before = appt.status
    slot_changed = any(changes.get(k) is not None for k in ("doctor_id", "service_id", "start_time"))
    if slot_changed:
        clinic = session.get(Clinic, appt.clinic_id)
        assert clinic is not None
        old_slot = appointment_audit.slot_words(appt, clinic.timezone)
        service = _service(session, changes.get("service_id") or appt.service_id, clinic.id)
        new_doctor = changes.get("doctor_id") or appt.doctor_id
        # Both doctors' rows in id order (services/locking.py): the commit numbers both of their rooms.
        both = sorted({new_doctor, old_doctor})
        locked = {d: _lock_doctor(session, d, clinic.id, active=d == new_doctor) for d in both}
        doctor = locked[new_doctor]
        start = _aware("start_time", changes["start_time"]) if changes.get("start_time") else appt.start_time
        end = start + timedelta(minutes=service.duration_minutes)
        _check_slot(session, clinic=clinic, doctor=doctor, start=start, end=end, exclude_id=appt.id)
        appt.doctor_id, appt.service_id, appt.start_time, appt.end_time = doctor.id, service.id, start, end
        appt.doctor, appt.service = doctor, service
        new_slot = appointment_audit.slot_words(appt, clinic.timezone)
        if new_slot != old_slot:
            appointment_audit.record(session, appt, "RESCHEDULED", actor_id=actor.id, detail=f"{old_slot} → {new_slot}")
    if changes.get("notes") is not None and changes["notes"] != appt.notes:
        appt.notes = changes["notes"]
        appointment_audit.record(session, appt, "NOTES", actor_id=actor.id)
    if changes.get("status") == AppointmentStatus.NO_SHOW:
        refuse_before_start(appt)  # after a reschedule too: the new start counts
        appt.status = AppointmentStatus.NO_SHOW
    appointment_audit.status_changed(session, appt, before, actor_id=actor.id)
    session.flush()
    return _emit_and_commit(session, ev.APPOINTMENT_UPDATED, appt, old_doctor=old_doctor)


def cancel_appointment(session: Session, *, actor: User, appointment_id: int, reason: str = "") -> AppointmentOut:
    """Only a CONFIRMED appointment; a checked-in one is cancelled through its visit (POST /queue/cancel).

    The desk, an admin, or the appointment's own doctor (scope.resolve: another doctor's → 403, another
    clinic's → 404). The reason is kept in `cancel_reason`; `appointment_cancelled` reaches the desk and the
    doctor's room."""
    appt = resolve(session, actor, Appointment, appointment_id, lock=True)
    if appt.status != AppointmentStatus.CONFIRMED:
        raise Conflict(f"a {appt.status.value} appointment cannot be cancelled here", current_status=appt.status.value)
    appt.status = AppointmentStatus.CANCELLED
    appt.cancel_reason = reason.strip()
    appointment_audit.status_changed(
        session, appt, AppointmentStatus.CONFIRMED, actor_id=actor.id, detail=appt.cancel_reason
    )
    session.flush()
    return _emit_and_commit(session, ev.APPOINTMENT_CANCELLED, appt)


SLOT_STEP_MINUTES = 15


def free_slots(
    session: Session, *, actor: User, doctor_id: int, query: FreeSlotsQuery, now: datetime | None = None
) -> FreeSlots:
    """Start times on the clinic-local day `query.day` where the service fits: every SLOT_STEP_MINUTES from
    local midnight (stepped in UTC, so a DST day has 23 or 25 hours of them), the whole slot inside the doctor's
    DoctorSchedule, not overlapping a live appointment, and not already begun. A doctor may ask only for
    themselves (another doctor's id → 403); the desk and admins for any doctor they can see. Three reads."""
    doctor = resolve(session, actor, Doctor, doctor_id)
    clinic = session.get(Clinic, doctor.clinic_id)
    assert clinic is not None
    service = _service(session, query.service_id, clinic.id)
    duration = timedelta(minutes=service.duration_minutes)
    day_start, day_end = local_day_bounds(clinic.timezone, query.day)
    available = {
        (d, h)
        for d, h in session.execute(
            select(DoctorSchedule.day_of_week, DoctorSchedule.hour).where(
                DoctorSchedule.doctor_id == doctor.id, DoctorSchedule.is_available
            )
        )
    }
    booked = session.execute(
        select(Appointment.start_time, Appointment.end_time).where(
            Appointment.doctor_id == doctor.id,
            Appointment.status.in_(LIVE_STATUSES),
            Appointment.start_time < day_end + duration,
            Appointment.end_time > day_start,
        )
    ).all()
    earliest = now or datetime.now(UTC)
    slots: list[datetime] = []
    start = day_start
    step = timedelta(minutes=SLOT_STEP_MINUTES)
    while start < day_end:
        end = start + duration
        if (
            start >= earliest
            and all(slot in available for slot in local_hours(start, end, clinic.timezone))
            and not any(b_start < end and b_end > start for b_start, b_end in booked)
        ):
            slots.append(start)
        start += step
    return FreeSlots(
        doctor_id=doctor.id,
        service_id=service.id,
        date=query.day,
        timezone=clinic.timezone,
        duration_minutes=service.duration_minutes,
        step_minutes=SLOT_STEP_MINUTES,
        slots=slots,
    )
