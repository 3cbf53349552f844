"""Patients screen: debounced search by name or phone, register, edit."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from client_reception.viewmodels.base import ViewModel
from client_reception.viewmodels.tables import patient_table
from common.client import ApiClient
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
        self.search_count = 0
        self._debounce = self.debouncer(self.DEBOUNCE_MS, lambda: self.spawn(self.search_now()))
        self._generation = 0

    def set_text(self, text: str) -> None:
        """Typing restarts the timer: one request after the user pauses."""
        self.text = text.strip()
        if not self._closed:
            self._debounce.trigger()

    async def search_now(self) -> list[PatientOut]:
        self._debounce.cancel()
        self._generation += 1
        mine = self._generation
        self.search_count += 1
        page = await self.api.list_patients(search=self.text or None, per_page=self.LIMIT)
        if mine != self._generation or self._closed:  # a newer search started meanwhile: drop this answer
            return page.items
        self.total = page.total
        self.model.set_rows(page.items)
        self.results_changed.emit()
        return page.items

    def refresh(self) -> None:
        self.spawn(self.search_now())

    def reset(self) -> None:
        """Forget the last search (a picker opened afresh must not show another dialog's results)."""
        self._debounce.cancel()
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
        self.spawn(self.search_now())
        return patient

    async def update(self, patient_id: int, data: PatientUpdate) -> PatientOut:
        patient = await self.run(self.api.update_patient(patient_id, data))
        self.saved.emit(patient)
        self.info.emit(f"Saved {patient.full_name}")
        self.spawn(self.search_now())
        return patient
