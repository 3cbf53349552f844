"""Payments screen: the day's payments (filter by status), take a payment, mark paid, refund, receipts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from client_reception import receipt as receipts
from client_reception.viewmodels.board import payment_block
from client_reception.viewmodels.catalog import Catalog
from client_reception.viewmodels.tables import payment_table
from common.client import ApiClient
from common.enums import PaymentMethod, PaymentStatus
from common.qt.formatting import format_money
from common.qt.viewmodel import ViewModel
from common.schemas import PaymentDetail, PaymentOut, QueueEntry, ReceptionDashboard, TakingsOut


class PaymentsViewModel(ViewModel):
    loaded = Signal()
    takings_changed = Signal()
    saved = Signal(object)  # PaymentDetail

    DEBOUNCE_MS = 200

    def __init__(self, api: ApiClient, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.catalog = catalog
        self.model = payment_table(self)
        self.day: date | None = catalog.today()  # None = every day
        self.status: PaymentStatus | None = None
        self.dashboard: ReceptionDashboard | None = None

    # --- the list and the takings -----------------------------------------------------------------------------

    def set_filters(self, *, day: date | None, status: PaymentStatus | None) -> None:
        self.day, self.status = day, status
        self.refresh()

    async def load(self) -> list[PaymentDetail]:
        page = await self.api.list_payments(day=self.day, status=self.status, per_page=500)
        dashboard = await self.api.reception_dashboard()
        if not self._closed:
            self.model.sync_rows(page.items)
            self.dashboard = dashboard
            self.loaded.emit()
            self.takings_changed.emit()
        return page.items

    @property
    def takings(self) -> TakingsOut | None:
        return self.dashboard.takings if self.dashboard else None

    def payment_at(self, row: int) -> PaymentDetail | None:
        return self.model.row_at(row)

    # --- taking payments --------------------------------------------------------------------------------------

    @property
    def currency(self) -> str:
        """The clinic's currency (ISO 4217): on screen, on receipts, in exports."""
        return self.catalog.clinic.currency

    async def payable_visits(self) -> list[QueueEntry]:
        """Today's visits that can still be paid for (completed first: that is when patients pay); a visit with a
        pending or paid payment is never offered (the server would refuse a second one)."""
        board = await self.run(self.api.queue_board())
        return [e for e in (*board.completed, *board.with_doctor, *board.waiting) if payment_block(e) is None]

    async def visit_for_payment(self, visit_id: int) -> QueueEntry | None:
        """One of today's visits, as the board lists it (None when it is not on today's board)."""
        board = await self.run(self.api.queue_board())
        return next((e for e in (*board.completed, *board.with_doctor, *board.waiting) if e.id == visit_id), None)

    async def payments_of_visit(self, visit_id: int) -> list[PaymentDetail]:
        page = await self.api.list_payments(visit_id=visit_id, per_page=50)
        return page.items

    async def take_payment(
        self, *, visit_id: int, amount: Decimal | None, method: PaymentMethod, paid: bool = True
    ) -> PaymentDetail:
        status = PaymentStatus.PAID if paid else PaymentStatus.PENDING
        payment = await self.run(self.api.create_payment(visit_id, amount=amount, method=method, status=status))
        return self._saved(payment, "Payment taken" if paid else "Payment recorded as pending")

    async def mark_paid(self, payment_id: int, method: PaymentMethod | None = None) -> PaymentDetail:
        return self._saved(await self.run(self.api.pay(payment_id, method=method)), "Marked paid")

    async def refund(self, payment_id: int) -> PaymentDetail:
        return self._saved(await self.run(self.api.refund(payment_id)), "Refunded")

    def _saved(self, payment: PaymentOut, verb: str) -> PaymentDetail:
        assert isinstance(payment, PaymentDetail), "the payments routes answer with PaymentDetail"
        self.info.emit(f"{verb}: {payment.patient.full_name}, {format_money(payment.amount, self.currency)}")
        self.saved.emit(payment)
        self.refresh_soon()
        return payment

    # --- receipts ---------------------------------------------------------------------------------------------

    def receipt_for(self, payment: PaymentDetail) -> receipts.Receipt:
        return receipts.build_receipt(payment, self.catalog.clinic)

    def save_receipt(self, payment: PaymentDetail, path: str | Path) -> Path:
        written = receipts.save_pdf(self.receipt_for(payment), path)
        self.info.emit(f"Receipt saved to {written}")
        return written
