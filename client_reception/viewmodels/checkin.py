"""Check-in screen: today's appointments (check them in) and walk-ins (find or register, doctor, service)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from client_reception.viewmodels.catalog import Catalog
from client_reception.viewmodels.patients import PatientSearch
from client_reception.viewmodels.tables import appointment_table
from common.client import ApiClient
from common.enums import AppointmentStatus, Priority
from common.qt.viewmodel import ViewModel
from common.schemas import AppointmentOut, PatientCreate, PatientOut, VisitOut

GONE = {AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}


class CheckInViewModel(ViewModel):
    appointments_loaded = Signal()
    checked_in = Signal(object)  # VisitOut

    DEBOUNCE_MS = 200

    def __init__(self, api: ApiClient, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.catalog = catalog
        self.model = appointment_table(self, with_date=False)
        self.search = PatientSearch(api, self)
        self.search.error.connect(self.error)

    # --- today's appointments ---------------------------------------------------------------------------------

    async def load(self) -> list[AppointmentOut]:
        today = self.catalog.today()
        page = await self.api.list_appointments(start_date=today, end_date=today, per_page=500)
        # a cancelled appointment or a no-show leaves the day's list: nobody is coming to check in
        rows = sorted((a for a in page.items if a.status not in GONE), key=lambda a: a.start_time)
        if not self._closed:
            self.model.sync_rows(rows)
            self.appointments_loaded.emit()
        return rows

    def appointment_at(self, row: int) -> AppointmentOut | None:
        return self.model.row_at(row)

    @staticmethod
    def can_check_in(appointment: AppointmentOut | None) -> bool:
        return appointment is not None and appointment.status == AppointmentStatus.CONFIRMED

    @staticmethod
    def can_mark_no_show(appointment: AppointmentOut | None, now: datetime | None = None) -> bool:
        """Only an appointment that has begun can be a no-show (the server refuses the others: 409 not_started)."""
        begun = appointment is not None and appointment.start_time <= (now or datetime.now(UTC))
        return begun and CheckInViewModel.can_check_in(appointment)

    async def check_in_appointment(self, appointment_id: int, priority: Priority = Priority.NORMAL) -> VisitOut:
        visit = await self.run(self.api.checkin(appointment_id=appointment_id, priority=priority))
        self._done(visit)
        return visit

    async def mark_no_show(self, appointment: AppointmentOut) -> AppointmentOut:
        done = await self.run(self.api.mark_no_show(appointment.id))
        self.info.emit(f"{appointment.patient.full_name} marked as a no-show")
        self.refresh_soon()
        return done

    async def cancel_appointment(self, appointment: AppointmentOut, reason: str) -> AppointmentOut:
        done = await self.run(self.api.cancel_appointment(appointment.id, reason=reason.strip()))
        self.info.emit(f"{appointment.patient.full_name}'s appointment cancelled")
        self.refresh_soon()
        return done

    # --- walk-ins ---------------------------------------------------------------------------------------------

    async def register_patient(self, data: PatientCreate) -> PatientOut:
        patient = await self.run(self.api.create_patient(data))
        self.info.emit(f"Registered {patient.full_name}")
        return patient

    async def check_in_walk_in(
        self, *, patient_id: int, doctor_id: int, service_id: int, notes: str = "", priority: Priority = Priority.NORMAL
    ) -> VisitOut:
        visit = await self.run(
            self.api.checkin(
                patient_id=patient_id, doctor_id=doctor_id, service_id=service_id, notes=notes, priority=priority
            )
        )
        self._done(visit)
        return visit

    def _done(self, visit: VisitOut) -> None:
        self.checked_in.emit(visit)
        urgent = f" ({visit.priority.value.title()})" if visit.priority != Priority.NORMAL else ""
        self.info.emit(f"{visit.patient.full_name} checked in — queue number {visit.queue_number}{urgent}")
        self.refresh_soon()

    def close(self) -> None:
        self.search.close()
        super().close()
