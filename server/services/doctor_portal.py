"""The doctor's own views: today's dashboard, their appointments, and the patients who visited them.

Every function takes the caller's `Doctor` row (resolved from the token) and never reads another doctor's data.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from common.enums import AppointmentStatus, PaymentStatus, VisitStatus
from common.schemas import (
    AppointmentOut,
    DoctorDashboard,
    DoctorPatient,
    Page,
    RevenueFigure,
    TodayRevenue,
)
from server.core.errors import InvalidInput
from server.models import Appointment, Clinic, Doctor, Patient, Payment, Visit
from server.services.clinic_time import local_day_bounds, local_today
from server.services.earnings import PAY_DATE, ZERO
from server.services.serializers import appointment_out, visit_out

UPCOMING_DAYS = 7
DEFAULT_APPOINTMENT_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.CHECKED_IN)
_ACTIVE = (VisitStatus.IN_PROGRESS,)
_WAITING = (VisitStatus.WAITING, VisitStatus.CALLED)
# Many-to-one rows are joined into the list query itself: selectinload would add one more statement per 500
# distinct rows, so a long list would cost more statements than a short one. (Doctor.user is lazy="joined".)
_APPOINTMENT_JOINED = (
    joinedload(Appointment.patient),
    joinedload(Appointment.doctor),
    joinedload(Appointment.service),
)
_VISIT_JOINED = (joinedload(Visit.patient), joinedload(Visit.doctor), joinedload(Visit.service))


def _timezone(session: Session, doctor: Doctor) -> str:
    return session.scalar(select(Clinic.timezone).where(Clinic.id == doctor.clinic_id)) or "UTC"


def _today_revenue(session: Session, doctor_id: int, start: datetime, end: datetime) -> TodayRevenue:
    rows = session.execute(
        select(Payment.status, func.sum(Payment.amount), func.sum(Payment.doctor_share))
        .join(Visit, Visit.id == Payment.visit_id)
        .where(Visit.doctor_id == doctor_id, start <= PAY_DATE, end > PAY_DATE)
        .group_by(Payment.status)
    ).all()
    figures = {status: RevenueFigure(total=total, doctor_share=share) for status, total, share in rows}
    empty = RevenueFigure(total=ZERO, doctor_share=ZERO)
    return TodayRevenue(
        pending=figures.get(PaymentStatus.PENDING, empty),
        paid=figures.get(PaymentStatus.PAID, empty),
        refunded=figures.get(PaymentStatus.REFUNDED, empty),
    )


def dashboard(session: Session, *, doctor: Doctor, now: datetime | None = None) -> DoctorDashboard:
    """Today is the clinic's local day. Visit counts cover visits checked in today (`today_visits` excludes
    CANCELLED); revenue covers payments dated today (paid_at, or created_at while unpaid)."""
    now = now or datetime.now(UTC)
    timezone = _timezone(session, doctor)
    today = local_today(timezone, now)
    start, end = local_day_bounds(timezone, today)
    today_visits = select(Visit).where(
        Visit.doctor_id == doctor.id, Visit.check_in_time >= start, Visit.check_in_time < end
    )

    counts = dict(
        session.execute(
            select(Visit.status, func.count(Visit.id))
            .where(Visit.doctor_id == doctor.id, Visit.check_in_time >= start, Visit.check_in_time < end)
            .group_by(Visit.status)
        ).all()
    )
    # Today's open visits (waiting, called, with the doctor) in queue order, for the doctor app's lists.
    open_visits = (
        session.scalars(
            today_visits.where(Visit.status.in_(_ACTIVE + _WAITING))
            .options(*_VISIT_JOINED)
            .order_by(Visit.queue_number, Visit.id)
        )
        .unique()
        .all()
    )
    upcoming = (
        session.scalars(
            select(Appointment)
            .options(*_APPOINTMENT_JOINED)
            .where(
                Appointment.doctor_id == doctor.id,
                Appointment.status.in_(DEFAULT_APPOINTMENT_STATUSES),
                Appointment.start_time >= now,
                Appointment.start_time < now + timedelta(days=UPCOMING_DAYS),
            )
            .order_by(Appointment.start_time, Appointment.id)
        )
        .unique()
        .all()
    )
    return DoctorDashboard(
        date=today,
        today_visits=sum(n for status, n in counts.items() if status != VisitStatus.CANCELLED),
        waiting=sum(counts.get(s, 0) for s in _WAITING),
        active_consultations=counts.get(VisitStatus.IN_PROGRESS, 0),
        completed=counts.get(VisitStatus.COMPLETED, 0),
        today_revenue=_today_revenue(session, doctor.id, start, end),
        upcoming_appointments=[appointment_out(a) for a in upcoming],
        active_visits=[visit_out(v) for v in open_visits if v.status in _ACTIVE],
        waiting_visits=[visit_out(v) for v in open_visits if v.status in _WAITING],
    )


def appointments(
    session: Session,
    *,
    doctor: Doctor,
    start_date: date | None = None,
    end_date: date | None = None,
    statuses: list[AppointmentStatus] | None = None,
    page: int = 1,
    per_page: int = 50,
    now: datetime | None = None,
) -> Page[AppointmentOut]:
    """The doctor's appointments, ascending by start. Dates are clinic-local and inclusive; without start_date
    the list starts now; without statuses it shows CONFIRMED and CHECKED_IN."""
    if start_date and end_date and end_date < start_date:
        raise InvalidInput("end_date", "end_date is before start_date")
    timezone = _timezone(session, doctor)
    conds = [
        Appointment.doctor_id == doctor.id,
        Appointment.status.in_(statuses or DEFAULT_APPOINTMENT_STATUSES),
        Appointment.start_time
        >= (local_day_bounds(timezone, start_date)[0] if start_date else (now or datetime.now(UTC))),
    ]
    if end_date is not None:
        conds.append(Appointment.start_time < local_day_bounds(timezone, end_date)[1])
    total = session.scalar(select(func.count(Appointment.id)).where(*conds)) or 0
    rows = (
        session.scalars(
            select(Appointment)
            .options(*_APPOINTMENT_JOINED)
            .where(*conds)
            .order_by(Appointment.start_time, Appointment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    return Page[AppointmentOut](items=[appointment_out(a) for a in rows], page=page, per_page=per_page, total=total)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def patients(
    session: Session, *, doctor: Doctor, search: str | None = None, page: int = 1, per_page: int = 50
) -> Page[DoctorPatient]:
    """Unique patients with at least one visit with this doctor (any status), newest last visit first."""
    conds = [Visit.doctor_id == doctor.id]
    term = (search or "").strip()
    if term:
        pattern = _like(term)
        conds.append(
            or_(
                Patient.full_name.ilike(pattern, escape="\\"),
                Patient.phone.ilike(pattern, escape="\\"),
            )
        )
    last_visit = func.max(Visit.check_in_time).label("last_visit")
    total_visits = func.count(Visit.id).label("total_visits")
    joined = Visit.patient_id == Patient.id
    total = (
        session.scalar(
            select(func.count(func.distinct(Patient.id))).select_from(Patient).join(Visit, joined).where(*conds)
        )
        or 0
    )
    rows = session.execute(
        select(Patient, last_visit, total_visits)
        .join(Visit, joined)
        .where(*conds)
        .group_by(Patient.id)
        .order_by(last_visit.desc(), Patient.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = [
        DoctorPatient(
            id=p.id,
            full_name=p.full_name,
            phone=p.phone,
            date_of_birth=p.date_of_birth,
            gender=p.gender,
            last_visit=last,
            total_visits=count,
        )
        for p, last, count in rows
    ]
    return Page[DoctorPatient](items=items, page=page, per_page=per_page, total=total)
