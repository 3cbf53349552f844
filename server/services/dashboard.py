"""GET /dashboard/reception: today's counts and takings for the clinic's local day."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, PaymentStatus, VisitStatus
from common.schemas import ReceptionDashboard, TakingsOut
from server.core.db import utcnow
from server.models import Appointment, Payment, User, Visit
from server.services.clinic_time import local_day_bounds, local_today
from server.services.money import ZERO, money
from server.services.queue_day import on_queue
from server.services.scope import get_clinic


def _sum_payments(
    session: Session,
    clinic_id: int,
    status: PaymentStatus,
    when: SQLColumnExpression[datetime | None],
    bounds: tuple[datetime, datetime],
) -> Decimal:
    start, end = bounds
    total = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), ZERO))
        .join(Visit, Payment.visit_id == Visit.id)
        .where(Visit.clinic_id == clinic_id, Payment.status == status, when >= start, when < end)
    )
    return money(total if total is not None else ZERO)


def reception_dashboard(
    session: Session, *, actor: User, clinic_id: int | None = None, day: date | None = None, now: datetime | None = None
) -> ReceptionDashboard:
    """Visit counts by state for the day's queue; takings: paid / refunded on the day, pending created on it."""
    clinic = get_clinic(session, actor, clinic_id)
    today = local_today(clinic.timezone, now or utcnow())
    day = day or today
    bounds = local_day_bounds(clinic.timezone, day)
    # Waiting and with-the-doctor count what the board shows (with visits open since before midnight);
    # checked in, completed and cancelled count the day's own check-ins.
    of_day = (Visit.queue_date == day).label("of_day")
    counts = session.execute(
        select(Visit.status, of_day, func.count())
        .where(Visit.clinic_id == clinic.id, on_queue(day, today))
        .group_by(Visit.status, of_day)
    ).all()
    by_status: dict[VisitStatus, int] = {}
    for status, _, n in counts:
        by_status[status] = by_status.get(status, 0) + n
    checked_in = sum(n for _, checked_in_that_day, n in counts if checked_in_that_day)
    appointments = session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.clinic_id == clinic.id,
            Appointment.start_time >= bounds[0],
            Appointment.start_time < bounds[1],
            # a no-show is gone from the day's list like a cancellation (qa found it counted)
            Appointment.status.not_in((AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)),
        )
    )
    return ReceptionDashboard(
        date=day,
        appointments_today=appointments or 0,
        checked_in=checked_in,
        waiting=by_status.get(VisitStatus.WAITING, 0) + by_status.get(VisitStatus.CALLED, 0),
        with_doctor=by_status.get(VisitStatus.IN_PROGRESS, 0),
        completed=by_status.get(VisitStatus.COMPLETED, 0),
        cancelled=by_status.get(VisitStatus.CANCELLED, 0),
        takings=TakingsOut(
            paid=_sum_payments(session, clinic.id, PaymentStatus.PAID, Payment.paid_at, bounds),
            pending=_sum_payments(session, clinic.id, PaymentStatus.PENDING, Payment.created_at, bounds),
            refunded=_sum_payments(session, clinic.id, PaymentStatus.REFUNDED, Payment.refunded_at, bounds),
        ),
    )
