"""Receipt buttons: Save as PDF (QPdfWriter) and Print (QPrintDialog), both without blocking the loop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from client_reception import receipt as receipts
from client_reception.viewmodels.payments import PaymentsViewModel
from client_reception.views.common import documents_folder
from common.schemas import PaymentDetail


class ReceiptActions(QWidget):
    def __init__(self, vm: PaymentsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.payment: PaymentDetail | None = None
        self.saved_path: Path | None = None
        self.file_dialog: QFileDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self.printer: QPrinter | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.save_button = QPushButton("Save receipt as PDF…", self)
        self.save_button.setObjectName("receipt_save_pdf")
        self.print_button = QPushButton("Print receipt…", self)
        self.print_button.setObjectName("receipt_print")
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        self.save_button.clicked.connect(self.ask_save)
        self.print_button.clicked.connect(self.ask_print)
        self.set_payment(None)

    def set_payment(self, payment: PaymentDetail | None) -> None:
        self.payment = payment
        self.save_button.setEnabled(payment is not None)
        self.print_button.setEnabled(payment is not None)

    def ask_save(self) -> QFileDialog | None:
        if self.payment is None:
            return None
        name = f"{receipts.receipt_number(self.payment)}.pdf"
        dialog = QFileDialog(self, "Save receipt", str(documents_folder() / name), "PDF files (*.pdf)")
        dialog.setObjectName("receipt_file_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # open() must not block the loop
        payment = self.payment
        dialog.fileSelected.connect(lambda path: self.save_to(payment, path))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def save_to(self, payment: PaymentDetail, path: str) -> Path | None:
        try:
            self.saved_path = self.vm.save_receipt(payment, path)
        except OSError as exc:
            self.vm.error.emit(f"The receipt could not be saved: {exc.strerror or exc}")
            return None
        return self.saved_path

    def ask_print(self) -> QPrintDialog | None:
        if self.payment is None:
            return None
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(self.printer, self)
        dialog.setObjectName("receipt_print_dialog")
        payment, printer = self.payment, self.printer
        dialog.accepted.connect(lambda: receipts.print_receipt(self.vm.receipt_for(payment), printer))
        dialog.finished.connect(dialog.deleteLater)
        self.print_dialog = dialog
        dialog.open()  # type: ignore[call-arg]  # QDialog.open(); the stubs list only QPrintDialog.open(receiver, member)
        return dialog
