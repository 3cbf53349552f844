"""The end-of-day cash-up (GET /reports/cash-up): the money a clinic took on one of its local days.

- Taken: every payment PAID on that day (`paid_at` within the clinic's local day), by method and by doctor with
  the doctor's and the centre's shares. A payment paid that day and refunded later still counts as taken that
  day: the refund is the day's it was made on.
- Refunds: every payment refunded that day (`refunded_at` within the day), by method, shown apart.
- Totals: taken, shares, refunds and net (taken - refunded), in the clinic's currency.
Three grouped statements, whatever the number of payments.
"""

from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from common.schemas import CashUpDoctorLine, CashUpMethodLine, CashUpReport, CashUpTotals
from server.core.db import utcnow
from server.models import Doctor, Payment, User, Visit
from server.services.clinic_time import local_day_bounds, local_today
from server.services.money import ZERO, money
from server.services.scope import get_clinic


def _on_day(column: InstrumentedAttribute[datetime | None], bounds: tuple[datetime, datetime]) -> ColumnElement[bool]:
    return (column >= bounds[0]) & (column < bounds[1])


def _by_method(session: Session, clinic_id: int, when: ColumnElement[bool]) -> list[CashUpMethodLine]:
    rows = session.execute(
        select(Payment.method, func.count(Payment.id), func.sum(Payment.amount))
        .join(Visit, Visit.id == Payment.visit_id)
        .where(Visit.clinic_id == clinic_id, when)
        .group_by(Payment.method)
        .order_by(Payment.method)
    ).all()
    return [CashUpMethodLine(method=m, count=n, amount=money(a)) for m, n, a in rows]


def _by_doctor(session: Session, clinic_id: int, when: ColumnElement[bool]) -> list[CashUpDoctorLine]:
    rows = session.execute(
        select(
            Doctor.id,
            User.full_name,
            func.count(Payment.id),
            func.sum(Payment.amount),
            func.sum(Payment.doctor_share),
            func.sum(Payment.center_share),
        )
        .select_from(Payment)
        .join(Visit, Visit.id == Payment.visit_id)
        .join(Doctor, Doctor.id == Visit.doctor_id)
        .join(User, User.id == Doctor.user_id)
        .where(Visit.clinic_id == clinic_id, when)
        .group_by(Doctor.id, User.full_name)
        .order_by(User.full_name, Doctor.id)
    ).all()
    return [
        CashUpDoctorLine(
            doctor_id=d, doctor_name=name, count=n, amount=money(a), doctor_share=money(s), center_share=money(c)
        )
        for d, name, n, a, s, c in rows
    ]


def cash_up(
    session: Session, *, actor: User, clinic_id: int | None = None, day: date | None = None, now: datetime | None = None
) -> CashUpReport:
    """The clinic's (the actor's own; an admin names one) cash-up of a local day (default: its today)."""
    clinic = get_clinic(session, actor, clinic_id)
    day = day or local_today(clinic.timezone, now or utcnow())
    bounds = local_day_bounds(clinic.timezone, day)
    taken = _on_day(Payment.paid_at, bounds)
    refunded = _on_day(Payment.refunded_at, bounds)
    by_method = _by_method(session, clinic.id, taken)
    by_doctor = _by_doctor(session, clinic.id, taken)
    refunds = _by_method(session, clinic.id, refunded)
    amount = sum((line.amount for line in by_method), ZERO)
    refunded_total = sum((line.amount for line in refunds), ZERO)
    totals = CashUpTotals(
        count=sum(line.count for line in by_method),
        amount=amount,
        doctor_share=sum((line.doctor_share for line in by_doctor), ZERO),
        center_share=sum((line.center_share for line in by_doctor), ZERO),
        refunded_count=sum(line.count for line in refunds),
        refunded=refunded_total,
        net=amount - refunded_total,
    )
    return CashUpReport(
        clinic_id=clinic.id,
        clinic_name=clinic.name,
        date=day,
        currency=clinic.currency,
        by_method=by_method,
        by_doctor=by_doctor,
        refunds_by_method=refunds,
        totals=totals,
    )
