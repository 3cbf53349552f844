"""Payments: list (PaymentDetail rows), create, pay, refund. Each change emits payment_processed."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from common.schemas import Page, PaymentCreate, PaymentDetail, PaymentPay, PaymentsQuery
from server.api import etag
from server.api.deps import Id, ReceptionUser, SessionDep
from server.services import payments as payment_service

router = APIRouter(prefix="/payments", tags=["payments"])


@router.get("", response_model=Page[PaymentDetail], responses=etag.NOT_MODIFIED)
async def list_payments(
    request: Request, session: SessionDep, me: ReceptionUser, query: Annotated[PaymentsQuery, Query()]
) -> Page[PaymentDetail] | Response:
    """With an `ETag` (kept per the desk room's seq, which every payment change moves)."""
    return await etag.desk_list(
        request,
        session,
        me,
        name="payments",
        clinic_id=query.clinic_id,
        query=query,
        read=lambda: payment_service.list_payments(session, actor=me, query=query),
    )


@router.post("", response_model=PaymentDetail, status_code=201)
def create_payment(body: PaymentCreate, session: SessionDep, me: ReceptionUser) -> PaymentDetail:
    return payment_service.create_payment(session, actor=me, data=body)


@router.get("/{payment_id}", response_model=PaymentDetail)
def get_payment(payment_id: Id, session: SessionDep, me: ReceptionUser) -> PaymentDetail:
    return payment_service.get_payment(session, actor=me, payment_id=payment_id)


@router.post("/{payment_id}/pay", response_model=PaymentDetail)
def pay(payment_id: Id, session: SessionDep, me: ReceptionUser, body: PaymentPay | None = None) -> PaymentDetail:
    method = body.method if body is not None else None
    return payment_service.pay(session, actor=me, payment_id=payment_id, method=method)


@router.post("/{payment_id}/refund", response_model=PaymentDetail)
def refund(payment_id: Id, session: SessionDep, me: ReceptionUser) -> PaymentDetail:
    return payment_service.refund(session, actor=me, payment_id=payment_id)
