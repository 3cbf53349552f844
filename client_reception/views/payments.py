"""Payments screen: the day's payments (filter by status), today's takings, take / mark paid / refund, receipts."""

from __future__ import annotations

from datetime import date
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client_reception.viewmodels.cash_up import CashUpViewModel
from client_reception.viewmodels.payments import PaymentsViewModel
from client_reception.views.cash_up import CashUpDialog
from client_reception.views.common import busy_bar, heading, selected_row, table
from client_reception.views.forms import confirm
from client_reception.views.payment_dialog import PaymentDialog
from client_reception.views.receipt_actions import ReceiptActions
from common.enums import PaymentStatus
from common.qt.flow_layout import FlowLayout, flow_widget, labelled
from common.qt.formatting import format_money
from common.schemas import PaymentDetail


class TakingsPanel(QFrame):
    """Today's takings, from /dashboard/reception."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payments_takings")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#payments_takings { background: #f6f8fa; }")
        row = FlowLayout(self, spacing=8, margins=8)
        title = QLabel("Today's takings", self)
        title.setStyleSheet("font-weight: bold;")
        row.addWidget(title)
        self.values: dict[str, QLabel] = {}
        for key, text, colour in (
            ("paid", "Paid", "#1b5e20"),
            ("pending", "Pending", "#8a6d00"),
            ("refunded", "Refunded", "#b71c1c"),
        ):
            value = QLabel("—", self)
            value.setObjectName(f"takings_{key}")
            value.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {colour};")
            pair = QWidget(self)
            line = QHBoxLayout(pair)
            line.setContentsMargins(0, 0, 10, 0)
            line.addWidget(QLabel(f"{text}:", pair))
            line.addWidget(value)
            row.addWidget(pair)
            self.values[key] = value


class PaymentsView(QWidget):
    def __init__(self, vm: PaymentsViewModel, cash_up: CashUpViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.cash_up_vm = cash_up
        self.cash_up: CashUpDialog | None = None
        self.setObjectName("payments_view")
        root = QVBoxLayout(self)
        self.all_days = QCheckBox("All days", self)
        self.all_days.setObjectName("payments_all_days")
        self.day = QDateEdit(self)
        self.day.setObjectName("payments_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd yyyy-MM-dd")
        today = vm.catalog.today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.cash_up_button = QPushButton("Cash-up…", self)
        self.cash_up_button.setObjectName("payments_cash_up")
        self.cash_up_button.setToolTip("The day's takings by method and by doctor, refunds and totals; CSV and PDF")
        self.status = QComboBox(self)
        self.status.setObjectName("payments_status")
        self.status.addItem("Any status", None)
        for status in PaymentStatus:
            self.status.addItem(status.value.title(), status)
        root.addWidget(
            flow_widget(
                self,
                heading("Payments", self),
                self.all_days,
                self.day,
                labelled(self, "Status:", self.status),
                self.cash_up_button,
            )
        )
        self.takings = TakingsPanel(self)
        root.addWidget(self.takings)
        self.busy = busy_bar("payments_busy", self)
        root.addWidget(self.busy)
        self.table = table("payments_table", vm.model, self)
        root.addWidget(self.table, 1)
        self.receipt = ReceiptActions(vm, self)
        self.take_button = QPushButton("Take payment…", self)
        self.take_button.setObjectName("payments_take")
        self.pay_button = QPushButton("Mark paid", self)
        self.pay_button.setObjectName("payments_mark_paid")
        self.refund_button = QPushButton("Refund…", self)
        self.refund_button.setObjectName("payments_refund")
        root.addWidget(flow_widget(self, self.receipt, self.take_button, self.pay_button, self.refund_button))
        self.dialog: PaymentDialog | None = None

        self.all_days.toggled.connect(self._filters_changed)
        self.day.dateChanged.connect(self._filters_changed)
        self.status.currentIndexChanged.connect(self._filters_changed)
        self.take_button.clicked.connect(lambda: self.open_take())
        self.cash_up_button.clicked.connect(self.open_cash_up)
        self.pay_button.clicked.connect(self.mark_paid)
        self.refund_button.clicked.connect(self.ask_refund)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        vm.model.modelReset.connect(self._update_buttons)
        vm.takings_changed.connect(self._show_takings)
        vm.busy_changed.connect(self._busy)
        self._update_buttons()

    def _filters_changed(self, *_: object) -> None:
        self.day.setEnabled(not self.all_days.isChecked())
        day = None if self.all_days.isChecked() else cast(date, self.day.date().toPython())  # stubs: object
        self.vm.set_filters(day=day, status=self.status.currentData())

    def _busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self._update_buttons()

    def _show_takings(self) -> None:
        takings = self.vm.takings
        if takings is None:
            return
        self.takings.values["paid"].setText(format_money(takings.paid))
        self.takings.values["pending"].setText(format_money(takings.pending))
        self.takings.values["refunded"].setText(format_money(takings.refunded))

    def _selected(self) -> PaymentDetail | None:
        row = selected_row(self.table)
        return self.vm.payment_at(row) if row is not None else None

    def _update_buttons(self, *_: object) -> None:
        payment = self._selected()
        idle = not self.vm.busy
        self.pay_button.setEnabled(idle and payment is not None and payment.status == PaymentStatus.PENDING)
        self.refund_button.setEnabled(idle and payment is not None and payment.status == PaymentStatus.PAID)
        self.receipt.set_payment(payment if payment is not None and payment.status != PaymentStatus.PENDING else None)

    def open_take(self, visit_id: int | None = None) -> PaymentDialog:
        dialog = PaymentDialog(self.vm, self, visit_id=visit_id)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_cash_up(self) -> CashUpDialog:
        """Non-modal: the desk can keep working (and it follows new payments) while it is open."""
        if self.cash_up is None:
            self.cash_up = CashUpDialog(self.cash_up_vm, self)
        if not self.all_days.isChecked():  # the day the Payments screen shows
            self.cash_up.day.setDate(self.day.date())
        self.cash_up.show()
        self.cash_up.raise_()
        self.cash_up.activate()
        return self.cash_up

    def mark_paid(self) -> None:
        payment = self._selected()
        if payment is not None and payment.status == PaymentStatus.PENDING:
            self.vm.spawn(self.vm.mark_paid(payment.id))

    def ask_refund(self) -> None:
        payment = self._selected()
        if payment is None or payment.status != PaymentStatus.PAID:
            return
        confirm(
            self,
            "Refund payment",
            f"Refund {format_money(payment.amount)} to {payment.patient.full_name} ({payment.service.name})?",
            lambda: self.vm.spawn(self.vm.refund(payment.id)),
            yes_text="Refund",
            name="refund_confirm",
        )

    def activate(self) -> None:
        self.vm.refresh()
