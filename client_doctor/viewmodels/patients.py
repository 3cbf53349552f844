"""My Patients: the doctor's own patients (server-side search, paged) and one patient's visits with this doctor."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from client_doctor import fmt
from common.client.api import ApiClient
from common.qt.paged_model import PagedTableModel
from common.qt.table_model import RIGHT, Column
from common.qt.viewmodel import ViewModel
from common.schemas import DoctorOut, DoctorPatient, HistoryVisit

PER_PAGE = 100
HISTORY_PER_PAGE = 100
SEARCH_DEBOUNCE_MS = 300

PATIENT_COLUMNS: list[Column[DoctorPatient]] = [
    Column("Name", lambda p: p.full_name),
    Column("Phone", lambda p: p.phone or "—"),
    Column("Last visit", lambda p: fmt.day(p.last_visit)),
    Column("Visits", lambda p: str(p.total_visits), alignment=RIGHT),
]


class PatientsViewModel(ViewModel):
    DEBOUNCE_MS = SEARCH_DEBOUNCE_MS  # typing "smi" must not send three requests
    selected_changed = Signal(object)  # DoctorPatient | None
    history_changed = Signal(list)  # list[HistoryVisit] of the selected patient with this doctor

    def __init__(self, api: ApiClient, doctor: DoctorOut, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.doctor = doctor
        self.search = ""
        self.model: PagedTableModel[DoctorPatient] = PagedTableModel(PATIENT_COLUMNS, self, key=lambda p: p.id)
        self.model.more_wanted.connect(lambda: self.spawn(self.load_next_page()))
        self.selected: DoctorPatient | None = None
        self.history: list[HistoryVisit] = []
        self.history_total = 0
        self._shown_search: str | None = None  # the search the table holds (None: nothing loaded yet)

    def set_search(self, text: str) -> None:
        self.search = text.strip()
        self.refresh_soon()  # the request goes out after a pause in typing

    async def load(self) -> None:
        search = self.search
        page = await self.api.doctor_patients(search=search or None, page=1, per_page=PER_PAGE)
        if search != self.search:  # superseded by newer typing
            return
        if search == self._shown_search:  # the same list again (a live event): row by row, the selection stays
            self.model.sync_page(page.items, page.total)
        else:
            self.model.reset(page.items, page.total)
            self._shown_search = search
        current = next((p for p in page.items if self.selected and p.id == self.selected.id), None)
        if current is None:
            if self.selected is not None:
                self.select(None)
        else:  # still listed: its figures and visits may have changed (a visit completed, a payment taken)
            self.selected = current
            self.selected_changed.emit(current)
            await self.load_history(current.id)

    async def load_next_page(self) -> None:
        generation = self.model.generation
        try:
            page = await self.api.doctor_patients(
                search=self.search or None, page=self.model.loaded // PER_PAGE + 1, per_page=PER_PAGE
            )
        except BaseException:
            self.model.page_failed(generation)
            raise
        self.model.append_page(generation, page.items, page.total)

    def select_row(self, row: int) -> None:
        self.select(self.model.row_at(row))

    def select(self, patient: DoctorPatient | None) -> None:
        self.selected = patient
        self.history = []
        self.history_total = 0
        self.selected_changed.emit(patient)
        self.history_changed.emit([])
        if patient is not None:
            self.spawn(self.load_history(patient.id))

    async def load_history(self, patient_id: int) -> list[HistoryVisit]:
        page = await self.api.history(patient_id, self.doctor.id, page=1, per_page=HISTORY_PER_PAGE)
        if self.selected is None or self.selected.id != patient_id:
            return []
        self.history = list(page.items)
        self.history_total = page.total
        self.history_changed.emit(self.history)
        return self.history
