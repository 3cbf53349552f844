"""Payments: list (PaymentDetail rows), create, pay, refund. Each change emits payment_processed."""

from datetime import date

from fastapi import APIRouter, Query

from common.enums import PaymentMethod, PaymentStatus
from common.schemas import Page, PaymentCreate, PaymentDetail, PaymentPay
from server.api.deps import Id, PageNo, PerPage, ReceptionUser, SessionDep
from server.services import payments as payment_service
from server.services.serializers import payment_detail

router = APIRouter(prefix="/payments", tags=["payments"])


@router.get("", response_model=Page[PaymentDetail])
def list_payments(
    session: SessionDep,
    me: ReceptionUser,
    date: date | None = Query(default=None, description="clinic-local day the payment was created"),
    start_date: date | None = None,
    end_date: date | None = None,
    visit_id: Id | None = None,
    status: PaymentStatus | None = None,
    method: PaymentMethod | None = None,
    doctor_id: Id | None = None,
    clinic_id: Id | None = Query(default=None, description="admin only"),
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Page[PaymentDetail]:
    return payment_service.list_payments(
        session,
        actor=me,
        day=date,
        start_date=start_date,
        end_date=end_date,
        visit_id=visit_id,
        status=status,
        method=method,
        doctor_id=doctor_id,
        clinic_id=clinic_id,
        page=page,
        per_page=per_page,
    )


@router.post("", response_model=PaymentDetail, status_code=201)
def create_payment(body: PaymentCreate, session: SessionDep, me: ReceptionUser) -> PaymentDetail:
    return payment_detail(payment_service.create_payment(session, actor=me, data=body))


@router.get("/{payment_id}", response_model=PaymentDetail)
def get_payment(payment_id: Id, session: SessionDep, me: ReceptionUser) -> PaymentDetail:
    return payment_detail(payment_service.get_payment(session, actor=me, payment_id=payment_id))


@router.post("/{payment_id}/pay", response_model=PaymentDetail)
def pay(payment_id: Id, session: SessionDep, me: ReceptionUser, body: PaymentPay | None = None) -> PaymentDetail:
    method = body.method if body is not None else None
    return payment_detail(payment_service.pay(session, actor=me, payment_id=payment_id, method=method))


@router.post("/{payment_id}/refund", response_model=PaymentDetail)
def refund(payment_id: Id, session: SessionDep, me: ReceptionUser) -> PaymentDetail:
    return payment_detail(payment_service.refund(session, actor=me, payment_id=payment_id))
