"""Schedule: the doctor's appointments in a date range (next 30 days by default), grouped by local day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import groupby

from PySide6.QtCore import QObject, QTimer, Signal

from client_doctor import fmt
from common.client.api import ApiClient
from common.enums import AppointmentStatus
from common.qt.viewmodel import ViewModel
from common.schemas import AppointmentOut

DEFAULT_DAYS = 30
PERIODIC_MS = 60_000


class ScheduleViewModel(ViewModel):
    DEBOUNCE_MS = 300
    appointments_changed = Signal(list)  # list[tuple[date, list[AppointmentOut]]]

    def __init__(self, api: ApiClient, parent: QObject | None = None, *, today: Callable[[], date] = fmt.today) -> None:
        super().__init__(parent)
        self.api = api
        self._today = today
        self.start_date: date = today()
        self.end_date: date = self.start_date + timedelta(days=DEFAULT_DAYS)
        self.status: AppointmentStatus | None = None
        self.appointments: list[AppointmentOut] = []
        # Time moves on even when nothing is pushed: refetch every minute while the app is open.
        self._periodic = QTimer(self)
        self._periodic.setInterval(PERIODIC_MS)
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
        return self.appointments

    def grouped(self) -> list[tuple[date, list[AppointmentOut]]]:
        return [
            (day, list(items)) for day, items in groupby(self.appointments, key=lambda a: fmt.local_day(a.start_time))
        ]
