"""The doctor's own views: today's dashboard, their appointments, and the patients who visited them.

Every function takes the caller's `Doctor` row (resolved from the token) and never reads another doctor's data.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, PaymentStatus, VisitStatus
from common.schemas import (
    AppointmentOut,
    DoctorAppointmentsQuery,
    DoctorDashboard,
    DoctorPatient,
    DoctorPatientsQuery,
    Page,
    RevenueFigure,
    TodayRevenue,
)
from server.models import Appointment, Doctor, Patient, Payment, Visit
from server.services.audience import Audience
from server.services.board import waiting_order
from server.services.clinic_time import clinic_timezone, local_day_bounds, local_today, within_local_days
from server.services.earnings import PAY_DATE
from server.services.listing import paginate, patient_matches
from server.services.money import ZERO
from server.services.queue_day import on_queue
from server.services.serializers import APPOINTMENT_LOAD, VISIT_LOAD, appointment_out, doctor_patient, visit_out

UPCOMING_DAYS = 7
DEFAULT_APPOINTMENT_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.CHECKED_IN)
_ACTIVE = (VisitStatus.IN_PROGRESS,)
_WAITING = (VisitStatus.WAITING, VisitStatus.CALLED)


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
    """Today is the clinic's local day. Visit counts cover today's queue as on the reception board (the visits
    checked in today, and those still open from earlier days: services/queue_day.py); `today_visits` counts
    today's check-ins, CANCELLED excluded; revenue covers payments dated today (paid_at, or created_at while
    unpaid)."""
    now = now or datetime.now(UTC)
    timezone = clinic_timezone(session, doctor.clinic_id)
    today = local_today(timezone, now)
    start, end = local_day_bounds(timezone, today)
    mine_today = (Visit.doctor_id == doctor.id, on_queue(today, today))  # with visits open since before midnight
    today_visits = select(Visit).where(*mine_today)

    of_day = (Visit.queue_date == today).label("of_day")
    rows = session.execute(
        select(Visit.status, of_day, func.count(Visit.id)).where(*mine_today).group_by(Visit.status, of_day)
    ).all()
    counts: dict[VisitStatus, int] = {}
    for status, _, n in rows:
        counts[status] = counts.get(status, 0) + n
    checked_in_today = sum(n for status, that_day, n in rows if that_day and status != VisitStatus.CANCELLED)
    # Today's open visits (waiting, called, with the doctor) for the doctor app's lists: the waiting ones in
    # calling order (priority, then check-in), the others in queue order.
    open_visits = (
        session.scalars(
            today_visits.where(Visit.status.in_(_ACTIVE + _WAITING)).options(*VISIT_LOAD).order_by(*waiting_order())
        )
        .unique()
        .all()
    )
    upcoming = session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.doctor_id == doctor.id,
            Appointment.status.in_(DEFAULT_APPOINTMENT_STATUSES),
            Appointment.start_time >= now,
            Appointment.start_time < now + timedelta(days=UPCOMING_DAYS),
        )
    )
    return DoctorDashboard(
        date=today,
        today_visits=checked_in_today,
        waiting=sum(counts.get(s, 0) for s in _WAITING),
        active_consultations=counts.get(VisitStatus.IN_PROGRESS, 0),
        completed=counts.get(VisitStatus.COMPLETED, 0),
        today_revenue=_today_revenue(session, doctor.id, start, end),
        upcoming_appointments=upcoming or 0,
        active_visits=[visit_out(v, Audience.DOCTOR) for v in open_visits if v.status in _ACTIVE],
        waiting_visits=[visit_out(v, Audience.DOCTOR) for v in open_visits if v.status in _WAITING],
    )


def appointments(
    session: Session, *, doctor: Doctor, query: DoctorAppointmentsQuery, now: datetime | None = None
) -> Page[AppointmentOut]:
    """The doctor's appointments, ascending by start. Dates are clinic-local and inclusive; without start_date
    the list starts at the beginning of the clinic's today (this morning's appointments stay on the schedule);
    without statuses it shows CONFIRMED and CHECKED_IN."""
    timezone = clinic_timezone(session, doctor.clinic_id)
    conds = [
        Appointment.doctor_id == doctor.id,
        Appointment.status.in_(query.status or DEFAULT_APPOINTMENT_STATUSES),
        *within_local_days(Appointment.start_time, timezone, query.start_date, query.end_date),
    ]
    if query.start_date is None:
        conds.append(Appointment.start_time >= local_day_bounds(timezone, local_today(timezone, now))[0])
    stmt = select(Appointment).options(*APPOINTMENT_LOAD).where(*conds).order_by(Appointment.start_time, Appointment.id)
    return paginate(session, stmt, query, schema=AppointmentOut, item=appointment_out)


def _search_patients(
    session: Session, *, doctor: Doctor, query: DoctorPatientsQuery, matches: ColumnElement[bool]
) -> Page[DoctorPatient]:
    """A search narrows the patients first (trigram indexes, migration 0005); each match's last visit with this
    doctor is then an index lookup (none: not this doctor's patient), instead of grouping every visit of the
    doctor. One statement: the doctor's matches are ranked with their total (a window count) and cut to the page,
    and only the page's patients have their visits counted (a broad surname matched 1,785 patients: issue 11)."""
    mine = and_(Visit.patient_id == Patient.id, Visit.doctor_id == doctor.id)
    last_visit = select(func.max(Visit.check_in_time)).where(mine).correlate(Patient).scalar_subquery()
    matched = select(Patient.id.label("patient_id"), last_visit.label("last_visit")).where(matches).subquery()
    page = (
        select(matched, func.count().over().label("total"))
        .where(matched.c.last_visit.is_not(None))
        .order_by(matched.c.last_visit.desc(), matched.c.patient_id.desc())
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
        .subquery()
    )
    visits = select(func.count(Visit.id)).where(mine).correlate(Patient).scalar_subquery()
    rows = session.execute(
        select(Patient, page.c.last_visit, visits, page.c.total)
        .join(page, page.c.patient_id == Patient.id)
        .order_by(page.c.last_visit.desc(), Patient.id.desc())
    ).all()
    if rows:
        total = rows[0].total
    else:  # a page past the end says nothing of the total: count it
        total = session.scalar(select(func.count()).select_from(matched).where(matched.c.last_visit.is_not(None)))
    items = [doctor_patient(patient, last, count) for patient, last, count, _ in rows]
    return Page[DoctorPatient](items=items, page=query.page, per_page=query.per_page, total=total or 0)


def patients(session: Session, *, doctor: Doctor, query: DoctorPatientsQuery) -> Page[DoctorPatient]:
    """Unique patients with at least one visit with this doctor (any status), newest last visit first."""
    matches = patient_matches(query.search)
    if matches is not None:
        return _search_patients(session, doctor=doctor, query=query, matches=matches)
    stmt = select(Patient, func.max(Visit.check_in_time), func.count(Visit.id)).join(
        Visit, Visit.patient_id == Patient.id
    )
    stmt = stmt.where(Visit.doctor_id == doctor.id)
    stmt = stmt.group_by(Patient.id).order_by(func.max(Visit.check_in_time).desc(), Patient.id.desc())
    return paginate(session, stmt, query, schema=DoctorPatient, item=doctor_patient, scalars=False)
