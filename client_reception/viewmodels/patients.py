"""Patients screen: debounced search by name or phone, register, edit."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from client_reception.viewmodels.tables import patient_table
from common.client import ApiClient
from common.qt.viewmodel import ViewModel
from common.schemas import PatientCreate, PatientOut, PatientUpdate


class PatientSearch(ViewModel):
    """A debounced patient search; used by the Patients screen and by every patient picker."""

    results_changed = Signal()

    DEBOUNCE_MS = 250
    LIMIT = 100

    def __init__(self, api: ApiClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.model = patient_table(self)
        self.text = ""
        self.total = 0
        self._generation = 0

    @property
    def search_count(self) -> int:
        return self.fetch_count

    def set_text(self, text: str) -> None:
        """Typing restarts the timer: one request after the user pauses."""
        self.text = text.strip()
        self.refresh_soon()

    async def search_now(self) -> list[PatientOut]:
        """Search now and wait for the answer (counted like every load)."""
        self._refresh.cancel()
        return await self._load_counted()

    async def load(self) -> list[PatientOut]:
        self._generation += 1
        mine = self._generation
        page = await self.api.list_patients(search=self.text or None, per_page=self.LIMIT)
        if mine != self._generation or self._closed:  # a newer search started meanwhile: drop this answer
            return page.items
        self.total = page.total
        self.model.sync_rows(page.items)
        self.results_changed.emit()
        return page.items

    def reset(self) -> None:
        """Forget the last search (a picker opened afresh must not show another dialog's results)."""
        self._refresh.cancel()
        self._generation += 1  # an answer still on its way is dropped
        self.text = ""
        self.total = 0
        self.model.clear()

    def patient_at(self, row: int) -> PatientOut | None:
        return self.model.row_at(row)


class PatientsViewModel(PatientSearch):
    saved = Signal(object)  # the PatientOut just created or updated

    async def register(self, data: PatientCreate) -> PatientOut:
        patient = await self.run(self.api.create_patient(data))
        self.saved.emit(patient)
        self.info.emit(f"Registered {patient.full_name}")
        self.refresh()
        return patient

    async def update(self, patient_id: int, data: PatientUpdate) -> PatientOut:
        patient = await self.run(self.api.update_patient(patient_id, data))
        self.saved.emit(patient)
        self.info.emit(f"Saved {patient.full_name}")
        self.refresh()
        return patient
