"""Migration 0005's per-day earnings totals: the database keeps them equal to the payments they sum, through
inserts, status changes (pay, refund), a move to another day and a change of the clinic's time zone."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from common.enums import PaymentMethod, PaymentStatus, VisitStatus
from server.models import Payment, PaymentDayTotal, Visit
from tests.factories import make_clinic, make_doctor, make_patient, make_payment, make_service, make_visit


def _raw(db, doctor_id: int, timezone: str) -> dict:
    day = func.date(func.timezone(timezone, func.coalesce(Payment.paid_at, Payment.created_at)))
    rows = db.execute(
        select(
            day, Payment.status, Payment.method, func.sum(Payment.amount), func.sum(Payment.doctor_share), func.count()
        )
        .join(Visit, Visit.id == Payment.visit_id)
        .where(Visit.doctor_id == doctor_id)
        .group_by(day, Payment.status, Payment.method)
    ).all()
    return {(d, str(s), str(m)): (a, sh, n) for d, s, m, a, sh, n in rows}


def _totals(db, doctor_id: int) -> dict:
    rows = db.scalars(select(PaymentDayTotal).where(PaymentDayTotal.doctor_id == doctor_id)).all()
    return {(t.day, t.status, t.method): (t.amount, t.doctor_share, t.count) for t in rows if t.count}


def test_totals_follow_every_change_of_the_payments(db):
    clinic = make_clinic(db, timezone="UTC")
    doctor = make_doctor(db, clinic)
    service = make_service(db, clinic)
    patient = make_patient(db, clinic)
    late = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # 23:30 UTC: already the 6th in Tokyo
    visits = [
        make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED) for _ in range(3)
    ]
    paid = make_payment(db, visits[0], amount="100.00", paid_at=late)
    pending = make_payment(db, visits[1], amount="50.00", status=PaymentStatus.PENDING)
    make_payment(db, visits[2], amount="80.00", method=PaymentMethod.CARD, paid_at=late - timedelta(days=3))
    db.flush()
    assert _totals(db, doctor.id) == _raw(db, doctor.id, "UTC") != {}

    pending.status, pending.paid_at = PaymentStatus.PAID, late  # paid: moves from its created day to the paid day
    paid.status, paid.refunded_at = PaymentStatus.REFUNDED, late
    db.flush()
    assert _totals(db, doctor.id) == _raw(db, doctor.id, "UTC")
    assert sum(n for _, _, n in _totals(db, doctor.id).values()) == 3

    clinic.timezone = "Asia/Tokyo"  # every payment's local day is recomputed
    db.flush()
    tokyo = _totals(db, doctor.id)
    assert tokyo == _raw(db, doctor.id, "Asia/Tokyo")
    assert {day.isoformat() for day, _, _ in tokyo} >= {"2026-03-06"}
    assert sum(a for a, _, _ in tokyo.values()) == Decimal("230.00")
