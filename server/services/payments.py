"""Payments of visits: create (with the doctor/center split of services/money.py), pay, refund, list."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import events as ev
from common.enums import PaymentMethod, PaymentStatus, Role, VisitStatus
from common.schemas import Page, PaymentCreate, PaymentDetail, PaymentEvent, PaymentsQuery
from server.core.db import utcnow
from server.core.errors import Conflict
from server.models import Payment, User, Visit
from server.services import outbox
from server.services.clinic_time import within_local_days
from server.services.listing import paginate
from server.services.money import split_amount
from server.services.scope import get_clinic, resolve
from server.services.serializers import PAYMENT_DETAIL_LOAD, payment_detail


def rate_for(visit: Visit) -> Decimal:
    """The service's own doctor_share_rate, else the doctor's commission_rate."""
    if visit.service.doctor_share_rate is not None:
        return visit.service.doctor_share_rate
    return visit.doctor.commission_rate


def _emit_and_commit(session: Session, payment: Payment) -> PaymentDetail:
    """payment_processed to the desk and the visit's doctor; commits; answers the payment."""
    session.flush()
    visit = payment.visit
    out = payment_detail(payment)
    outbox.stage(
        session, ev.PAYMENT_PROCESSED, PaymentEvent(payment=out), clinic_id=visit.clinic_id, doctors=(visit.doctor_id,)
    )
    session.commit()
    return out


def create_payment(session: Session, *, actor: User, data: PaymentCreate) -> PaymentDetail:
    """One open (PENDING or PAID) payment per visit, so a double click cannot charge twice."""
    # The visit row is locked (FOR NO KEY UPDATE) so two concurrent requests cannot both pass the one-open-
    # payment check below; it is the same lock order as the state machine (visit first, clinic last).
    visit = resolve(session, actor, Visit, data.visit_id, field="visit_id", lock=True, key_share=True)
    if visit.status == VisitStatus.CANCELLED:
        raise Conflict("a cancelled visit cannot be charged", current_status=visit.status.value, field="visit_id")
    open_payment = session.scalar(
        select(Payment.id).where(
            Payment.visit_id == visit.id, Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.PAID))
        )
    )
    if open_payment is not None:
        raise Conflict(f"this visit already has payment #{open_payment}", payment_id=open_payment, field="visit_id")
    amount = data.amount if data.amount is not None else visit.service.price
    doctor_share, center_share = split_amount(amount, rate_for(visit))
    paid = data.status == PaymentStatus.PAID
    payment = Payment(
        visit_id=visit.id,
        amount=doctor_share + center_share,
        doctor_share=doctor_share,
        center_share=center_share,
        status=data.status,
        method=data.method,
        paid_at=utcnow() if paid else None,
        paid_by=actor.id if paid else None,
        created_by=actor.id,
    )
    session.add(payment)
    payment.visit = visit
    return _emit_and_commit(session, payment)


def pay(session: Session, *, actor: User, payment_id: int, method: PaymentMethod | None = None) -> PaymentDetail:
    payment = resolve(session, actor, Payment, payment_id, lock=True)
    if payment.status != PaymentStatus.PENDING:
        raise Conflict(f"a {payment.status.value} payment cannot be paid", current_status=payment.status.value)
    payment.status = PaymentStatus.PAID
    payment.paid_at = utcnow()
    payment.paid_by = actor.id
    if method is not None:
        payment.method = method
    return _emit_and_commit(session, payment)


def refund(session: Session, *, actor: User, payment_id: int) -> PaymentDetail:
    payment = resolve(session, actor, Payment, payment_id, lock=True)
    if payment.status != PaymentStatus.PAID:
        raise Conflict(
            f"only a PAID payment can be refunded; this one is {payment.status.value}",
            current_status=payment.status.value,
        )
    payment.status = PaymentStatus.REFUNDED
    payment.refunded_at = utcnow()
    payment.refunded_by = actor.id
    return _emit_and_commit(session, payment)


def get_payment(session: Session, *, actor: User, payment_id: int) -> PaymentDetail:
    return payment_detail(resolve(session, actor, Payment, payment_id, options=PAYMENT_DETAIL_LOAD))


def list_payments(session: Session, *, actor: User, query: PaymentsQuery) -> Page[PaymentDetail]:
    """Newest first. Dates are clinic-local days of the payment's creation (`day` = one day)."""
    clinic_id = query.clinic_id
    if actor.role == Role.ADMIN and clinic_id is None and query.visit_id is not None:
        visit = session.get(Visit, query.visit_id)
        clinic_id = visit.clinic_id if visit else None
    clinic = get_clinic(session, actor, clinic_id)
    start, end = (query.day, query.day) if query.day is not None else (query.start_date, query.end_date)
    conditions = [Visit.clinic_id == clinic.id]
    conditions += within_local_days(Payment.created_at, clinic.timezone, start, end)
    if query.visit_id is not None:
        conditions.append(Payment.visit_id == query.visit_id)
    if query.status is not None:
        conditions.append(Payment.status == query.status)
    if query.method is not None:
        conditions.append(Payment.method == query.method)
    if query.doctor_id is not None:
        conditions.append(Visit.doctor_id == query.doctor_id)
    stmt = (
        select(Payment)
        .join(Visit, Payment.visit_id == Visit.id)
        .where(*conditions)
        .options(*PAYMENT_DETAIL_LOAD)
        .order_by(Payment.created_at.desc(), Payment.id.desc())
    )
    return paginate(session, stmt, query, schema=PaymentDetail, item=payment_detail)
