"""Payments."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, overload

from common.client.api.transport import Transport, list_query, request_body
from common.enums import PaymentMethod, PaymentStatus
from common.schemas import (
    CashUpQuery,
    CashUpReport,
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
        return await self._page(PaymentDetail, "/payments", list_query(PaymentsQuery, query, fields), room_seqs=True)

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

    @overload
    async def cash_up(
        self, day: date | None = None, format: Literal["json"] = "json", *, clinic_id: int | None = None
    ) -> CashUpReport: ...

    @overload
    async def cash_up(
        self, day: date | None, format: Literal["csv", "pdf"], *, clinic_id: int | None = None
    ) -> bytes: ...

    async def cash_up(
        self, day: date | None = None, format: str = "json", *, clinic_id: int | None = None
    ) -> CashUpReport | bytes:
        """The clinic-local day's cash-up (default: the clinic's today): a CashUpReport, or with format "csv" /
        "pdf" the file's bytes (ready to save or print). `clinic_id`: admins only."""
        params = list_query(CashUpQuery, None, {"day": day, "format": format, "clinic_id": clinic_id})
        if format == "json":
            return await self._call(CashUpReport, "GET", "/reports/cash-up", params=params)
        response = await self._send("GET", "/reports/cash-up", params=params)
        return response.content
