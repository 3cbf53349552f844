"""An inline panel to print a document or save it as PDF (A4 or Letter), under the page that holds the visit.

It never blocks: the file and print dialogs are opened with open(), and the document is made when the doctor
confirms (from what the page shows at that moment)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QFileDialog, QFrame, QPushButton, QWidget

from client_doctor.printing import PAGE_SIZES, TITLES, print_to, write_pdf
from client_doctor.views.widgets import label
from common.qt.flow_layout import FlowLayout

# kind ("prescription" | "summary") -> (the document's HTML, a file name stem), or None when nothing is loaded
ContentSource = Callable[[str], tuple[str, str] | None]


class PrintPanel(QFrame):
    def __init__(self, source: ContentSource, *, page: str = "A4", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPanel")
        self.setProperty("card", True)
        self.source = source
        self.kind = "prescription"
        self.last_pdf: Path | None = None
        self.dialog: QFileDialog | QPrintDialog | None = None
        row = FlowLayout(self, spacing=6, margins=6)  # wraps when the page is narrow
        self.title = label("", "sectionTitle")
        row.addWidget(self.title)
        self.page = QComboBox()
        self.page.setObjectName("printPageSize")
        self.page.setAccessibleName("Paper size")
        for name in PAGE_SIZES:
            self.page.addItem(name, name)
        self.page.setCurrentIndex(max(0, self.page.findData(page)))
        row.addWidget(self.page)
        self.save = QPushButton("Save as PDF…")
        self.save.setObjectName("printSavePdf")
        self.save.setAccessibleName("Save the document as PDF")
        self.save.clicked.connect(self.ask_path)
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("printPrint")
        self.print_button.setAccessibleName("Print the document")
        self.print_button.clicked.connect(self.ask_printer)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("printClose")
        self.close_button.setAccessibleName("Close the print options")
        self.close_button.clicked.connect(self.hide)
        for button in (self.save, self.print_button, self.close_button):
            row.addWidget(button)
        self.status = label("", "statNote", wrap=True)
        self.status.setObjectName("printStatus")
        row.addWidget(self.status)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.hide()

    @property
    def page_size(self) -> str:
        return str(self.page.currentData())

    def start(self, kind: str) -> None:
        self.kind = kind
        self.title.setText(f"{TITLES[kind]}:")
        self.status.setText("")
        self.show()
        self.save.setFocus()

    def ask_path(self) -> None:
        content = self.source(self.kind)
        if content is None:
            return
        dialog = QFileDialog(self, f"Save the {TITLES[self.kind].lower()} as PDF", f"{content[1]}.pdf", "PDF (*.pdf)")
        dialog.setObjectName("printSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(self.save_pdf)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def save_pdf(self, path: str) -> Path | None:
        content = self.source(self.kind)
        if content is None:
            return None
        self.last_pdf = write_pdf(path, content[0], self.page_size)
        self.status.setText(f"Saved ({self.page_size}) to {self.last_pdf}")
        return self.last_pdf

    def ask_printer(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.accepted.connect(lambda: self._print(printer))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()  # type: ignore[call-arg]  # QDialog.open(); the stubs list only QPrintDialog.open(receiver, member)

    def _print(self, printer: QPrinter) -> None:
        content = self.source(self.kind)
        if content is not None:
            print_to(printer, content[0], self.page_size)
            self.status.setText(f"Sent to {printer.printerName() or 'the printer'}")
