"""Take a payment for a visit (amount defaults to the service price), then print or save its receipt."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from client_reception.viewmodels.board import payment_block
from client_reception.viewmodels.payments import PaymentsViewModel
from client_reception.views.forms import FormDialog
from client_reception.views.receipt_actions import ReceiptActions
from common.client import ApiError
from common.enums import PaymentMethod, PaymentStatus
from common.qt.formatting import format_money
from common.schemas import PaymentDetail, QueueEntry

MONEY_RE = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")
PHASE_TEXT = {"waiting": "waiting", "with_doctor": "with the doctor", "completed": "completed"}


def parse_money(text: str) -> Decimal | None:
    text = text.strip()
    if not MONEY_RE.match(text):
        return None
    try:
        return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


class PaymentDialog(FormDialog):
    def __init__(self, vm: PaymentsViewModel, parent: QWidget | None = None, *, visit_id: int | None = None) -> None:
        super().__init__("Take payment", parent, ok_text="Take payment")
        self.setObjectName("payment_dialog")
        self.setMinimumWidth(520)
        self.vm = vm
        self.wanted_visit = visit_id
        self.visits: list[QueueEntry] = []
        self.payment: PaymentDetail | None = None
        self.blocked: str | None = None  # why this visit cannot be paid for now

        self.visit = self.add_field("visit_id", "Visit", QComboBox(self))
        self.visit.setMinimumWidth(360)
        self.visit_note = QLabel(self)
        self.visit_note.setObjectName("payment_visit_note")
        self.visit_note.setWordWrap(True)
        self.form.addRow("", self.visit_note)
        self.amount = self.add_field("amount", f"Amount ({vm.currency})", QLineEdit(self))
        self.amount.setPlaceholderText("0.00")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.method = self.add_field("method", "Method", QComboBox(self))
        for method in PaymentMethod:
            self.method.addItem(method.value.title(), method)
        self.paid_now = QCheckBox("Paid now (untick to record it as pending)", self)
        self.paid_now.setObjectName("payment_paid_now")
        self.paid_now.setChecked(True)
        self.form.addRow("", self.paid_now)

        # After success: the receipt step replaces the form's OK.
        self.done_label = QLabel(self)
        self.done_label.setObjectName("payment_done")
        self.done_label.setStyleSheet(
            "color: #1b5e20; background: #e8f5e9; border: 1px solid #b7dfb9; border-radius: 4px; padding: 8px;"
        )
        self.done_label.setWordWrap(True)
        self.done_label.hide()
        self.extra.addWidget(self.done_label)
        self.receipt = ReceiptActions(vm, self)
        self.receipt.hide()
        self.extra.addWidget(self.receipt)
        row = QHBoxLayout()
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("payment_close")
        self.close_button.hide()
        self.close_button.clicked.connect(self.accept)
        row.addStretch(1)
        row.addWidget(self.close_button)
        self.extra.addLayout(row)

        self.visit.currentIndexChanged.connect(self._visit_changed)
        self.load_task: asyncio.Task[None] | None = None

    def open(self) -> None:  # noqa: A003 (QDialog.open)
        super().open()
        self.load_task = self.spawn(self.load_visits())

    async def load_visits(self) -> None:
        """Opened from a card: that visit and no other. Opened from the Payments screen: the visits that can still
        be paid for. Never a visit with a pending or paid payment."""
        self.set_busy(True)
        self.visit_note.setText("Loading today's visits…")
        try:
            if self.wanted_visit is not None:
                entry = await self.vm.visit_for_payment(self.wanted_visit)
                self.visits = [entry] if entry is not None else []
            else:
                self.visits = await self.vm.payable_visits()
        except ApiError as exc:
            self.show_error(exc.message)
            return
        finally:
            self.set_busy(False)
        self.visit.blockSignals(True)
        self.visit.clear()
        for entry in self.visits:
            phase = PHASE_TEXT.get(entry.phase.value if entry.phase else "", "")
            who = f"#{entry.queue_number}  {entry.patient.full_name}"
            label = f"{who} — {entry.service.name} ({entry.doctor.full_name}, {phase})"
            self.visit.addItem(label, entry.id)
        self.visit.blockSignals(False)
        self.visit.setEnabled(self.wanted_visit is None)  # from a card: bound to that card's visit
        if not self.visits:
            self.visit_note.setText(
                "That visit is not on today's board any more."
                if self.wanted_visit is not None
                else "No visit today is waiting to be paid: a payment belongs to a checked-in visit not paid yet."
            )
            self.ok_button.setEnabled(False)
            return
        self.visit.setCurrentIndex(0)
        await self._describe_visit()

    def _entry(self) -> QueueEntry | None:
        visit_id = self.visit.currentData()
        return next((v for v in self.visits if v.id == visit_id), None)

    def _visit_changed(self, *_: object) -> None:
        self.spawn(self._describe_visit())

    def _block(self, reason: str | None) -> None:
        self.blocked = reason
        self.ok_button.setEnabled(reason is None)
        self.ok_button.setToolTip(reason or "")

    async def _describe_visit(self) -> None:
        entry = self._entry()
        if entry is None:
            return
        price = format_money(entry.service.price, self.vm.currency)
        self.amount.setText(f"{entry.service.price:.2f}")  # default: the service price
        self.visit_note.setText(f"{entry.service.name}: {price}")
        self._block(payment_block(entry))
        try:
            payments = await self.vm.payments_of_visit(entry.id)
        except ApiError:
            return
        if self._entry() is not entry:
            return
        taken = [p for p in payments if p.status != PaymentStatus.REFUNDED]
        if taken:
            listed = ", ".join(f"{format_money(p.amount, self.vm.currency)} {p.status.value.lower()}" for p in taken)
            self.visit_note.setText(f"{entry.service.name}: {price} — already recorded: {listed}")
            live = next(p for p in taken)
            self._block(
                "Already paid: its receipt and a refund are on the Payments screen."
                if live.status == PaymentStatus.PAID
                else "A payment is already recorded as pending: mark it paid on the Payments screen."
            )

    def validate(self) -> tuple[str, str] | None:
        if self._entry() is None:
            return "visit_id", "Please choose the visit being paid for."
        if self.blocked:
            return "visit_id", self.blocked
        amount = parse_money(self.amount.text())
        if amount is None:
            return "amount", "Enter the amount as a number with at most two decimals, e.g. 120.00."
        if amount <= 0:
            return "amount", "The amount must be more than zero."
        return None

    async def submit(self) -> PaymentDetail:
        entry = self._entry()
        assert entry is not None
        return await self.vm.take_payment(
            visit_id=entry.id,
            amount=parse_money(self.amount.text()),
            method=self.method.currentData(),
            paid=self.paid_now.isChecked(),
        )

    def on_success(self, value: Any) -> None:
        """Stay open on the receipt step: print it or save it as PDF."""
        self.payment = value
        assert isinstance(value, PaymentDetail)
        for widget in (self.visit, self.amount, self.method, self.paid_now):
            widget.setEnabled(False)
        self.ok_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.done_label.setText(
            f"{value.status.value.title()}: {format_money(value.amount, self.vm.currency)} "
            f"by {value.method.value.lower()} for "
            f"{value.patient.full_name}. Receipt {self.vm.receipt_for(value).number}."
        )
        self.done_label.show()
        self.receipt.set_payment(value)
        self.receipt.show()
