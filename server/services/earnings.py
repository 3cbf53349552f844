"""A doctor's earnings: every payment on their visits, filtered, summarised and grouped in SQL.

A payment's date is `paid_at`, or `created_at` while it was never paid; date filters and groups use the clinic's
local calendar day of that instant.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, text
from sqlalchemy.orm import Session

from common.enums import PaymentStatus
from common.schemas import EarningRow, EarningsGroup, EarningsPage, EarningsQuery, EarningsSummary
from server.models import Clinic, Doctor, Patient, Payment, PaymentDayTotal, Service, Visit
from server.services.clinic_time import clinic_timezone, local_today, within_local_days
from server.services.csv_cells import text_cell
from server.services.money import ZERO
from server.services.serializers import earning_row

PAY_DATE = func.coalesce(Payment.paid_at, Payment.created_at)


def _where(doctor_id: int, timezone: str, f: EarningsQuery) -> list[ColumnElement[bool]]:
    conds = [Visit.doctor_id == doctor_id, *within_local_days(PAY_DATE, timezone, f.start_date, f.end_date)]
    if f.status is not None:
        conds.append(Payment.status == f.status)
    if f.payment_method is not None:
        conds.append(Payment.method == f.payment_method)
    return conds


def _rows_select(doctor_id: int, timezone: str, f: EarningsQuery) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Payment.id,
            Payment.visit_id,
            PAY_DATE.label("date"),
            Patient.full_name,
            Service.name,
            Payment.amount,
            Payment.doctor_share,
            Payment.status,
            Payment.method,
        )
        .join(Visit, Visit.id == Payment.visit_id)
        .join(Patient, Patient.id == Visit.patient_id)
        .join(Service, Service.id == Visit.service_id)
        .where(*_where(doctor_id, timezone, f))
        .order_by(PAY_DATE.desc(), Payment.id.desc())
    )


def _totals_where(doctor_id: int, f: EarningsQuery) -> list[ColumnElement[bool]]:
    """The same filter as `_where`, on the per-day totals (their `day` is already the clinic-local day)."""
    t = PaymentDayTotal
    conds: list[ColumnElement[bool]] = [t.doctor_id == doctor_id]
    if f.start_date is not None:
        conds.append(t.day >= f.start_date)
    if f.end_date is not None:
        conds.append(t.day <= f.end_date)
    if f.status is not None:
        conds.append(t.status == f.status.value)
    if f.payment_method is not None:
        conds.append(t.method == f.payment_method.value)
    return conds


def _share_sum(*conds: ColumnElement[bool]) -> ColumnElement[Decimal]:
    return func.coalesce(func.sum(PaymentDayTotal.doctor_share).filter(and_(*conds)), ZERO)


def _summary(session: Session, doctor_id: int, timezone: str, f: EarningsQuery, now: datetime) -> EarningsSummary:
    """From the per-day totals the database keeps (models/earnings.py): a few hundred rows per doctor and year
    instead of every payment, so the summary costs the same at 10 payments as at 1,000,000."""
    t = PaymentDayTotal
    today = local_today(timezone, now)
    month_start = today.replace(day=1)
    next_month = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    paid = t.status == PaymentStatus.PAID.value
    row = session.execute(
        select(
            _share_sum(paid),
            _share_sum(t.status == PaymentStatus.PENDING.value),
            _share_sum(t.status == PaymentStatus.REFUNDED.value),
            _share_sum(paid, t.day >= month_start, t.day < next_month),
            func.coalesce(func.sum(t.count), 0),
        ).where(*_totals_where(doctor_id, f))
    ).one()
    return EarningsSummary(total_paid=row[0], pending=row[1], refunded=row[2], this_month=row[3], count=row[4])


def _groups(session: Session, doctor_id: int, timezone: str, f: EarningsQuery) -> list[EarningsGroup]:
    """One bucket per clinic-local day (oldest first, from the per-day totals) or per payment status."""
    if f.group_by == "status":
        return _status_groups(session, doctor_id, timezone, f)
    t = PaymentDayTotal
    rows = session.execute(
        select(t.day, func.sum(t.amount), func.sum(t.doctor_share), func.sum(t.count))
        .where(*_totals_where(doctor_id, f))
        .group_by(t.day)
        .having(func.sum(t.count) > 0)  # a day whose payments all moved away (a refund's day is its payment's)
        .order_by(t.day)
    ).all()
    return [EarningsGroup(date=d, amount=a, doctor_share=s, count=c) for d, a, s, c in rows]


def _status_groups(session: Session, doctor_id: int, timezone: str, f: EarningsQuery) -> list[EarningsGroup]:
    """One bucket per payment status (PENDING, PAID, REFUNDED order)."""
    key = Payment.status.label("key")
    rows = session.execute(
        select(key, func.sum(Payment.amount), func.sum(Payment.doctor_share), func.count(Payment.id))
        .select_from(Payment)
        .join(Visit, Visit.id == Payment.visit_id)
        .where(*_where(doctor_id, timezone, f))
        .group_by(key)
        .order_by(key)
    ).all()
    return [EarningsGroup(status=k, amount=a, doctor_share=s, count=c) for k, a, s, c in rows]


def earnings_page(
    session: Session,
    *,
    doctor: Doctor,
    query: EarningsQuery,
    now: datetime | None = None,
) -> EarningsPage:
    """One page of rows, plus the summary (and groups, with group_by=date or status) over the whole filtered
    set; 3 or 4 statements."""
    timezone = clinic_timezone(session, doctor.clinic_id)
    summary = _summary(session, doctor.id, timezone, query, now or datetime.now(UTC))
    page, per_page = query.page, query.per_page
    stmt = _rows_select(doctor.id, timezone, query).limit(per_page).offset((page - 1) * per_page)
    items = [earning_row(r) for r in session.execute(stmt)]
    groups = _groups(session, doctor.id, timezone, query) if query.group_by else None
    return EarningsPage(items=items, summary=summary, groups=groups, page=page, per_page=per_page, total=summary.count)


FIRST_ROWS = 100  # the CSV's first read: its first rows leave before a whole batch is read

# Every row names the clinic's currency (Clinic.currency), so a spreadsheet never shows a bare amount.
CSV_HEADER = ("payment_id", "date", "patient", "service", "amount", "doctor_share", "status", "method", "currency")


def earnings_rows(session: Session, *, doctor: Doctor, query: EarningsQuery, batch: int = 1000) -> Iterator[EarningRow]:
    """Every filtered row (paging ignored), read through a server-side cursor (the CSV): a few rows first, then
    growing reads of up to `batch` rows, so the first rows are out before a thousand have been read."""
    timezone = clinic_timezone(session, doctor.clinic_id)
    # A server-side cursor is planned for its first 10% of rows (cursor_tuple_fraction): with a million payments
    # that picks "sort them all" and the first CSV row came after seconds. The export wants its first rows now:
    # plan for those, which walks the payment-date index (migration 0005) in order.
    session.execute(text("SET LOCAL cursor_tuple_fraction = 0.001"))
    result = session.execute(_rows_select(doctor.id, timezone, query).execution_options(yield_per=FIRST_ROWS))
    try:
        first = True
        for partition in result.partitions():
            for r in partition:
                yield earning_row(r)
            if first:  # the first rows are out: read in whole batches from here on
                result.yield_per(batch)
                first = False
    finally:
        result.close()


def clinic_currency(session: Session, clinic_id: int) -> str:
    return session.scalar(select(Clinic.currency).where(Clinic.id == clinic_id)) or "USD"


def csv_cells(row: EarningRow, currency: str) -> tuple[str, ...]:
    return (
        str(row.payment_id),
        row.date.astimezone(UTC).isoformat(),
        text_cell(row.patient_name),  # names are typed in by people: never a live spreadsheet formula
        text_cell(row.service_name),
        f"{row.amount:.2f}",
        f"{row.doctor_share:.2f}",
        row.status.value,
        row.method.value,
        currency,
    )
