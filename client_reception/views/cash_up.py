"""The cash-up dialog (non-modal): the day's takings by method and by doctor, refunds apart, totals in the clinic's
currency; Save CSV… and Save PDF… (the PDF is the printable one)."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from client_reception.viewmodels.cash_up import CashUpViewModel
from client_reception.views.common import busy_bar, documents_folder, table
from common.client import ApiError
from common.qt.flow_layout import flow_widget
from common.qt.formatting import format_weekday_date

TOTALS = (
    ("amount", "Taken"),
    ("refunded", "Refunded"),
    ("net", "Net"),
    ("doctor_share", "Doctors' share"),
    ("center_share", "Centre share"),
)


class CashUpDialog(QDialog):
    def __init__(self, vm: CashUpViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("cash_up_dialog")
        self.setWindowTitle("Cash-up")
        self.resize(760, 700)
        root = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setObjectName("cash_up_title")
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.day = QDateEdit(self)
        self.day.setObjectName("cash_up_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd yyyy-MM-dd")
        self.day.setDate(QDate(vm.day.year, vm.day.month, vm.day.day))
        self.refresh_button = QPushButton("Refresh", self)
        self.currency = QLabel(self)
        self.currency.setObjectName("cash_up_currency")
        root.addWidget(flow_widget(self, self.title, self.day, self.refresh_button, self.currency))
        self.busy = busy_bar("cash_up_busy", self)
        root.addWidget(self.busy)

        totals = QGroupBox("Totals", self)
        grid = QGridLayout(totals)
        self.totals: dict[str, QLabel] = {}
        for i, (key, text) in enumerate(TOTALS):
            grid.addWidget(QLabel(f"{text}:", totals), i // 3, (i % 3) * 2)
            value = QLabel("—", totals)
            value.setObjectName(f"cash_up_{key}")
            value.setStyleSheet("font-weight: bold; font-size: 12pt;")
            grid.addWidget(value, i // 3, (i % 3) * 2 + 1)
            self.totals[key] = value
        root.addWidget(totals)

        self.method_table = table("cash_up_by_method", vm.by_method, self)
        self.refund_table = table("cash_up_refunds", vm.refunds, self)
        self.doctor_table = table("cash_up_by_doctor", vm.by_doctor, self)
        for title, view, stretch in (
            ("By payment method", self.method_table, 2),
            ("Refunds (apart from the takings)", self.refund_table, 1),
            ("By doctor", self.doctor_table, 2),
        ):
            view.setMinimumHeight(4 * view.verticalHeader().defaultSectionSize())
            box = QGroupBox(title, self)
            QVBoxLayout(box).addWidget(view)
            root.addWidget(box, stretch)

        self.csv_button = QPushButton("Save CSV…", self)
        self.csv_button.setObjectName("cash_up_save_csv")
        self.pdf_button = QPushButton("Save PDF…", self)
        self.pdf_button.setObjectName("cash_up_save_pdf")
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("cash_up_close")
        root.addWidget(flow_widget(self, self.csv_button, self.pdf_button, self.close_button))
        self.file_dialog: QFileDialog | None = None

        self.refresh_button.clicked.connect(vm.refresh)
        self.day.dateChanged.connect(lambda d: vm.set_day(d.toPython()))
        self.csv_button.clicked.connect(lambda: self.ask_save("csv"))
        self.pdf_button.clicked.connect(lambda: self.ask_save("pdf"))
        self.close_button.clicked.connect(self.accept)
        vm.loaded.connect(self._show)
        vm.busy_changed.connect(self._busy)
        self._show()

    def _busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.refresh_button.setEnabled(not busy)

    def _show(self) -> None:
        report = self.vm.report
        self.title.setText(f"Cash-up — {format_weekday_date(self.vm.day)}")
        self.currency.setText(f"Amounts in {self.vm.currency}")
        ready = report is not None and report.date == self.vm.day
        self.csv_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)
        if report is None:
            return
        t = report.totals
        values = {
            "amount": f"{self.vm.money(t.amount)} ({t.count})",
            "refunded": f"{self.vm.money(t.refunded)} ({t.refunded_count})",
            "net": self.vm.money(t.net),
            "doctor_share": self.vm.money(t.doctor_share),
            "center_share": self.vm.money(t.center_share),
        }
        for key, text in values.items():
            self.totals[key].setText(text)

    def ask_save(self, fmt: str) -> QFileDialog:
        kind = "CSV files (*.csv)" if fmt == "csv" else "PDF files (*.pdf)"
        dialog = QFileDialog(self, "Save cash-up", str(documents_folder() / self.vm.file_name(fmt)), kind)
        dialog.setObjectName("cash_up_file_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(fmt)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # open() must not block the loop
        dialog.fileSelected.connect(lambda path: self._save(path, fmt))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    @asyncSlot(str, str)
    async def _save(self, path: str, fmt: str) -> None:
        try:
            await self.vm.save(path, fmt)
        except ApiError as exc:
            self.vm.error.emit(exc.message)
        except OSError as exc:
            self.vm.error.emit(f"The cash-up could not be saved: {exc.strerror or exc}")

    def activate(self) -> None:
        self.vm.refresh()
