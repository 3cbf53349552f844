"""Payments."""

from __future__ import annotations

from typing import Any

from common.client.api.transport import Transport, list_query, request_body
from common.enums import PaymentMethod, PaymentStatus
from common.schemas import (
    Page,
    PaymentCreate,
    PaymentDetail,
    PaymentPay,
    PaymentsQuery,
)


class PaymentsApi(Transport):
    async def list_payments(self, query: PaymentsQuery | None = None, /, **fields: Any) -> Page[PaymentDetail]:
        """PaymentsQuery's filters: `day` is one clinic-local day (payments created that day), or a
        `start_date`..`end_date` range."""
        return await self._page(PaymentDetail, "/payments", list_query(PaymentsQuery, query, fields))

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
