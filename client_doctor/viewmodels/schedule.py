"""Schedule: the doctor's appointments in a date range (next 30 days by default), grouped by local day; one
appointment's details (with the patient's visits with this doctor) and cancelling it with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import groupby

from PySide6.QtCore import QObject, QTimer, Signal

from client_doctor import fmt
from common.client.api import ApiClient
from common.enums import AppointmentStatus
from common.qt.viewmodel import ViewModel
from common.schemas import AppointmentOut, DoctorOut, HistoryVisit

DEFAULT_DAYS = 30
PERIODIC_MS = 60_000


class ScheduleViewModel(ViewModel):
    DEBOUNCE_MS = 300
    appointments_changed = Signal(list)  # list[tuple[date, list[AppointmentOut]]]
    details_changed = Signal(object, list)  # AppointmentOut | None, list[HistoryVisit] (the patient's, with me)
    cancelled = Signal(object)  # AppointmentOut

    def __init__(
        self,
        api: ApiClient,
        parent: QObject | None = None,
        *,
        doctor: DoctorOut | None = None,
        today: Callable[[], date] = fmt.today,
        periodic_ms: int = PERIODIC_MS,
    ) -> None:
        super().__init__(parent)
        self.api = api
        self.doctor = doctor
        self.details: AppointmentOut | None = None
        self.details_history: list[HistoryVisit] = []
        self._today = today
        self.start_date: date = today()
        self.end_date: date = self.start_date + timedelta(days=DEFAULT_DAYS)
        self.status: AppointmentStatus | None = None
        self.appointments: list[AppointmentOut] = []
        # Time moves on even when nothing is pushed: refetch every minute while the app is open.
        self._periodic = QTimer(self)
        self._periodic.setInterval(periodic_ms)
        self._periodic.timeout.connect(self.refresh)

    def start_periodic(self) -> None:
        self._periodic.start()

    def close(self) -> None:
        self._periodic.stop()
        super().close()

    def set_filters(
        self, *, start_date: date | None = None, end_date: date | None = None, status: AppointmentStatus | None = None
    ) -> None:
        self.start_date = start_date or self._today()
        self.end_date = end_date or self.start_date + timedelta(days=DEFAULT_DAYS)
        self.status = status
        self.refresh()

    async def load(self) -> list[AppointmentOut]:
        asked = (self.start_date, self.end_date, self.status)
        # status None → the server's default: CONFIRMED and CHECKED_IN, i.e. still going to happen
        items = await self.api.doctor_appointments(
            start_date=self.start_date, end_date=self.end_date, status=self.status
        )
        if asked != (self.start_date, self.end_date, self.status):
            return items
        self.appointments = sorted(items, key=lambda a: a.start_time)
        self.appointments_changed.emit(self.grouped())
        if self.details is not None:  # the appointment on show may have changed (or been cancelled elsewhere)
            fresh = next((a for a in self.appointments if a.id == self.details.id), None)
            if fresh is not None and fresh != self.details:
                self.details = fresh
                self.details_changed.emit(fresh, self.details_history)
        return self.appointments

    @property
    def periodic_ms(self) -> int:
        return self._periodic.interval()

    def set_periodic_ms(self, ms: int) -> None:
        """How often the schedule refetches by itself (a minute; tests use a short one)."""
        self._periodic.setInterval(ms)

    @property
    def periodic_active(self) -> bool:
        return self._periodic.isActive()

    # --- one appointment ----------------------------------------------------------------------------------

    def find(self, appointment_id: int) -> AppointmentOut | None:
        return next((a for a in self.appointments if a.id == appointment_id), None)

    def show_details(self, appointment_id: int) -> None:
        appt = self.find(appointment_id)
        self.details = appt
        self.details_history = []
        self.details_changed.emit(appt, [])
        if appt is not None:
            self.spawn(self._load_history(appt))

    def hide_details(self) -> None:
        self.details = None
        self.details_history = []
        self.details_changed.emit(None, [])

    async def _load_history(self, appt: AppointmentOut) -> None:
        page = await self.api.history(appt.patient_id, appt.doctor_id, page=1, per_page=50)
        if self.details is None or self.details.id != appt.id:
            return
        self.details_history = list(page.items)
        self.details_changed.emit(self.details, self.details_history)

    def cancel(self, appointment_id: int, reason: str) -> None:
        self.spawn(self.cancel_now(appointment_id, reason))

    async def cancel_now(self, appointment_id: int, reason: str) -> AppointmentOut:
        """POST /appointments/{id}/cancel with the reason; reception sees it live (appointment_cancelled)."""
        cancelled = await self.api.cancel_appointment(appointment_id, reason=reason.strip())
        if self.details is not None and self.details.id == appointment_id:
            self.details = cancelled
            self.details_changed.emit(cancelled, self.details_history)
        self.info.emit(f"Appointment with {cancelled.patient.full_name} cancelled.")
        self.cancelled.emit(cancelled)
        self.refresh()
        return cancelled

    def grouped(self) -> list[tuple[date, list[AppointmentOut]]]:
        return [
            (day, list(items)) for day, items in groupby(self.appointments, key=lambda a: fmt.local_day(a.start_time))
        ]
