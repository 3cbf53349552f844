"""Payments."""

from __future__ import annotations

from datetime import date
from typing import Any

from common.client.api.transport import Transport, query_params, request_body
from common.enums import PaymentMethod, PaymentStatus
from common.schemas import (
    Page,
    PaymentCreate,
    PaymentDetail,
    PaymentPay,
)


class PaymentsApi(Transport):
    async def list_payments(
        self,
        *,
        day: date | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        visit_id: int | None = None,
        status: PaymentStatus | None = None,
        method: PaymentMethod | None = None,
        doctor_id: int | None = None,
        clinic_id: int | None = None,
        page: int = 1,
        per_page: int = 200,
    ) -> Page[PaymentDetail]:
        """`day` is one clinic-local day (payments created that day); or a `start_date`..`end_date` range."""
        params = query_params(
            clinic_id=clinic_id,
            date=day,
            start_date=start_date,
            end_date=end_date,
            visit_id=visit_id,
            status=status,
            method=method,
            doctor_id=doctor_id,
            page=page,
            per_page=per_page,
        )
        return await self._page(PaymentDetail, "/payments", params)

    async def create_payment(
        self,
        visit_id: int,
        *,
        amount: Any = None,
        method: PaymentMethod = PaymentMethod.CASH,
        status: PaymentStatus = PaymentStatus.PENDING,
    ) -> PaymentDetail:
        """`amount` None → the service price; `status` PAID takes the money at once."""
        body = request_body(PaymentCreate, {"visit_id": visit_id, "amount": amount, "method": method, "status": status})
        return await self._call(PaymentDetail, "POST", "/payments", json=body)

    async def get_payment(self, payment_id: int) -> PaymentDetail:
        return await self._call(PaymentDetail, "GET", f"/payments/{payment_id}")

    async def pay(self, payment_id: int, *, method: PaymentMethod | None = None) -> PaymentDetail:
        """PENDING → PAID (optionally changing the method)."""
        body = request_body(PaymentPay, {"method": method})
        return await self._call(PaymentDetail, "POST", f"/payments/{payment_id}/pay", json=body)

    async def refund(self, payment_id: int) -> PaymentDetail:
        """PAID → REFUNDED; anything else is ApiError 409."""
        return await self._call(PaymentDetail, "POST", f"/payments/{payment_id}/refund")
