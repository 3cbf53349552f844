"""The visit record page: read-only — patient panel, notes, prescription, payments and the visit's timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.printing import PRESCRIPTION, SUMMARY, Letterhead, prescription_html, summary_html
from client_doctor.viewmodels.record import VisitRecord, VisitRecordViewModel
from client_doctor.views.patient_panel import PatientPanel
from client_doctor.views.print_panel import PrintPanel
from client_doctor.views.widgets import label
from common.qt.fit_columns import FitColumns
from common.qt.flow_layout import flow_widget
from common.qt.table_model import RIGHT, Column, RowTableModel
from common.qt.timeline_text import describe_with_detail
from common.schemas import PaymentOut, TimelineEntry

PAYMENT_COLUMNS: list[Column[PaymentOut]] = [
    Column("Taken", lambda p: fmt.date_time(p.created_at)),
    Column("Amount", lambda p: fmt.money(p.amount), alignment=RIGHT),
    Column("Your share", lambda p: fmt.money(p.doctor_share), alignment=RIGHT),
    Column("Method", lambda p: fmt.title(p.method)),
    Column("Status", lambda p: fmt.title(p.status)),
    Column("Paid", lambda p: fmt.date_time(p.paid_at) if p.paid_at else "—"),
]

TIMELINE_COLUMNS: list[Column[TimelineEntry]] = [
    Column("When", lambda e: fmt.date_time(e.at)),
    Column("What", describe_with_detail),
    Column("By", lambda e: e.by_name or "—"),
]


def _table(name: str, model: RowTableModel, *, text_columns: tuple[int, ...] = ()) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(name)
    table.setModel(model)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    FitColumns(table, text_columns=text_columns)  # the page's right column is narrow at 800 px: wrap, never scroll
    return table


def _reader(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setReadOnly(True)
    edit.setAccessibleName(name)
    return edit


class VisitRecordView(QWidget):
    back_requested = Signal()

    def __init__(self, vm: VisitRecordViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("visitRecordView")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(10)
        top = QHBoxLayout()
        self.back = QPushButton("← Back")
        self.back.setObjectName("recordBack")
        self.back.setAccessibleName("Back")
        self.back.setToolTip("Back (Esc or Alt+Left)")
        self.back.clicked.connect(self.back_requested.emit)
        top.addWidget(self.back)
        self.title = label("Visit record", "pageTitle", elide=True)  # styled by its object name
        top.addWidget(self.title, 1)
        self.print_rx = QPushButton("Print prescription…")
        self.print_rx.setObjectName("recordPrintPrescription")
        self.print_rx.setAccessibleName("Print or save the prescription as PDF")
        self.print_rx.clicked.connect(lambda: self.print_panel.start(PRESCRIPTION))
        self.print_summary = QPushButton("Print visit summary…")
        self.print_summary.setObjectName("recordPrintSummary")
        self.print_summary.setAccessibleName("Print or save the visit summary as PDF")
        self.print_summary.clicked.connect(lambda: self.print_panel.start(SUMMARY))
        self.status = label("", "cardBadge")
        self.status.setObjectName("recordStatus")
        top.addWidget(self.status)
        root.addLayout(top)
        root.addWidget(flow_widget(self, self.print_rx, self.print_summary, name="recordActions"))
        self.letterhead: Letterhead | None = None  # set by the window (clinic and doctor)
        self.print_panel: PrintPanel = PrintPanel(self._document)
        root.addWidget(self.print_panel)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        root.addWidget(splitter, 1)
        self.panel = PatientPanel(visit_title="This visit")
        splitter.addWidget(self.panel)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        rl.addWidget(label("Notes", "sectionTitle"))
        self.notes = _reader("recordNotes")
        rl.addWidget(self.notes, 2)
        rl.addWidget(label("Prescription", "sectionTitle"))
        self.prescription = _reader("recordPrescription")
        rl.addWidget(self.prescription, 1)
        rl.addWidget(label("Payments", "sectionTitle"))
        self.payments_model: RowTableModel[PaymentOut] = RowTableModel(PAYMENT_COLUMNS, parent=self)
        self.payments = _table("recordPayments", self.payments_model)
        rl.addWidget(self.payments, 1)
        rl.addWidget(label("Timeline", "sectionTitle"))
        self.timeline_model: RowTableModel[TimelineEntry] = RowTableModel(TIMELINE_COLUMNS, key=id, parent=self)
        self.timeline = _table("recordTimeline", self.timeline_model, text_columns=(1,))
        rl.addWidget(self.timeline, 2)
        splitter.addWidget(right)
        splitter.setSizes([360, 640])
        for w in (self.notes, self.prescription, self.payments, self.timeline):
            w.setTabChangesFocus(True) if isinstance(w, QPlainTextEdit) else w.setTabKeyNavigation(False)
        vm.loaded.connect(self.show_record)

    def _document(self, kind: str) -> tuple[str, str] | None:
        record = self.vm.record
        if record is None or self.letterhead is None:
            return None
        visit = record.visit
        stem = f"{kind}-{visit.patient_detail.full_name}-{fmt.day(visit.check_in_time)}".replace(" ", "-")
        if kind == PRESCRIPTION:
            return prescription_html(self.letterhead, visit), stem
        return summary_html(self.letterhead, visit, record.timeline), stem

    def begin(self, visit_id: int) -> None:
        self.print_panel.hide()
        self.title.setText("Visit record — loading…")
        self.status.setText("")
        for edit in (self.notes, self.prescription):
            edit.setPlainText("")
        self.payments_model.set_rows([])
        self.timeline_model.set_rows([])
        self.vm.open(visit_id)

    def show_record(self, record: VisitRecord) -> None:
        visit = record.visit
        self.title.setText(f"Visit record — {visit.patient_detail.full_name}, {fmt.day(visit.check_in_time)}")
        self.status.setText(fmt.title(visit.status))
        self.panel.show_visit(visit)
        self.notes.setPlainText(visit.notes or "")
        self.prescription.setPlainText(visit.prescription or "")
        self.payments_model.set_rows(visit.payments)
        self.timeline_model.set_rows(record.timeline)
        self.print_rx.setEnabled(bool((visit.prescription or "").strip()))
