"""What every screen needs to know about the clinic: the clinic itself, its doctors and services."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal

from common.client import ApiClient
from common.qt.viewmodel import ViewModel
from common.schemas import ClinicOut, DoctorOut, ServiceOut, UserOut


class Catalog(ViewModel):
    changed = Signal()

    def __init__(self, api: ApiClient, user: UserOut, clinic: ClinicOut, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.user = user
        self.clinic = clinic
        self.doctors: list[DoctorOut] = []
        self.services: list[ServiceOut] = []

    async def load(self, *, with_clinic: bool = True) -> None:
        """Doctors and services; the clinic too unless it was just read (its threshold or name may change)."""
        doctors = await self.api.list_doctors()
        services = await self.api.list_services()
        self.doctors = [d for d in doctors if d.is_active]
        self.services = [s for s in services if s.is_active]
        if with_clinic and self.user.clinic_id is not None:
            self.clinic = await self.api.get_clinic(self.user.clinic_id)
        if not self._closed:
            self.changed.emit()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.timezone)

    def today(self) -> date:
        """The clinic's local day (not the desk computer's)."""
        return datetime.now(self.tz).date()

    def service(self, service_id: int | None) -> ServiceOut | None:
        return next((s for s in self.services if s.id == service_id), None)

    def doctor(self, doctor_id: int | None) -> DoctorOut | None:
        return next((d for d in self.doctors if d.id == doctor_id), None)
