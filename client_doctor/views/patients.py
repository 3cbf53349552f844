"""My Patients: search, the list (last visit, visit count) and the selected patient's visits with this doctor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.viewmodels.patients import PatientsViewModel
from client_doctor.views.widgets import label
from common.qt.paged_model import PagedTableModel
from common.qt.table_model import RIGHT, Column
from common.schemas import DoctorPatient, HistoryVisit

VISIT_COLUMNS: list[Column[HistoryVisit]] = [
    Column("Date", lambda h: fmt.day(h.check_in_time)),
    Column("Service", lambda h: h.service.name),
    Column("Status", lambda h: fmt.title(h.status)),
    Column("Notes", lambda h: h.notes or "—"),
    Column("Prescription", lambda h: h.prescription or "—"),
    Column("Payment", lambda h: fmt.title(h.payment_status) if h.payment_status else "Not billed"),
    Column("Paid", lambda h: fmt.money(h.amount), alignment=RIGHT),
]


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    return table


class PatientsView(QWidget):
    open_record = Signal(int)  # visit id: show its full record

    def __init__(self, vm: PatientsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("patientsView")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 20, 24, 20)
        root.setSpacing(10)
        root.addWidget(label("My Patients", "pageTitle", elide=True))
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText("Search by name or phone…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(vm.set_search)
        root.addWidget(self.search)
        self.count = label("", "statNote")
        self.count.setObjectName("patientsCount")
        root.addWidget(self.count)

        splitter = QSplitter(Qt.Orientation.Vertical)  # visits below, full width: notes stay readable
        self.table = _table("patientsTable")
        self.table.setModel(vm.model)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        splitter.addWidget(self.table)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 8, 0, 0)
        self.detail_title = label("Select a patient to see their visits with you", "sectionTitle", elide=True)
        self.detail_title.setObjectName("patientDetailTitle")
        title_row = QHBoxLayout()
        title_row.addWidget(self.detail_title, 1)
        self.open_visit = QPushButton("Open visit record")
        self.open_visit.setObjectName("openVisitRecord")
        self.open_visit.setAccessibleName("Open the selected visit's record")
        self.open_visit.setToolTip("Open the selected visit's full record (Enter or double-click)")
        self.open_visit.setEnabled(False)
        self.open_visit.clicked.connect(self._open_current)
        title_row.addWidget(self.open_visit)
        dl.addLayout(title_row)
        self.visits_model: PagedTableModel[HistoryVisit] = PagedTableModel(VISIT_COLUMNS, self)
        self.visits = _table("patientVisits")
        self.visits.setModel(self.visits_model)
        self.visits.setWordWrap(True)
        header = self.visits.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        dl.addWidget(self.visits, 1)
        self.visits.activated.connect(lambda index: self._open_row(index.row()))  # Enter or double-click
        self.visits.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.open_visit.setEnabled(current.isValid())
        )
        self.search.setAccessibleName("Search patients by name or phone")
        self.table.setAccessibleName("My patients")
        self.visits.setAccessibleName("The selected patient's visits with you")
        for table in (self.table, self.visits):
            table.setTabKeyNavigation(False)  # Tab moves to the next control, arrows move in the table
        splitter.addWidget(detail)
        splitter.setSizes([330, 400])
        root.addWidget(splitter, 1)

        self._shown_patient_id: int | None = None
        vm.model.modelReset.connect(self._show_count)
        vm.model.rowsInserted.connect(self._show_count)
        vm.selected_changed.connect(self._selected)
        vm.history_changed.connect(self._history)

    def _show_count(self, *_: object) -> None:
        total = self.vm.model.total
        self.count.setText(f"{total} patient{'s' if total != 1 else ''}")

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.vm.select_row(current.row())

    def _selected(self, patient: DoctorPatient | None) -> None:
        same = patient is not None and patient.id == self._shown_patient_id
        self._shown_patient_id = patient.id if patient is not None else None
        if patient is None:
            self.detail_title.setText("Select a patient to see their visits with you")
        else:
            born = f", born {fmt.day(patient.date_of_birth)}" if patient.date_of_birth else ""
            self.detail_title.setText(f"{patient.full_name}{born} — {patient.total_visits} visit(s) with you")
        if not same:  # a live refresh of the same patient keeps the visits on screen until the new ones come
            self.visits_model.reset([], 0)

    def _history(self, visits: list[HistoryVisit]) -> None:
        self.visits_model.reset(visits, len(visits))
        self.visits.resizeRowsToContents()
        self.open_visit.setEnabled(False)

    def _open_row(self, row: int) -> None:
        visit = self.visits_model.row_at(row)
        if visit is not None:
            self.open_record.emit(visit.id)

    def _open_current(self) -> None:
        current = self.visits.selectionModel().currentIndex()
        if current.isValid():
            self._open_row(current.row())
