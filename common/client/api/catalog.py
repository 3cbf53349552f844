"""The caller, the clinic, doctors, schedules and services."""

from __future__ import annotations

from typing import Any

from common.client.api.transport import Transport, list_query
from common.schemas import (
    ClinicOut,
    DoctorOut,
    DoctorsQuery,
    ScheduleOut,
    ServiceOut,
    ServicesQuery,
    UserOut,
)


class CatalogApi(Transport):
    async def me(self) -> UserOut:
        user = await self._call(UserOut, "GET", "/auth/me")
        self.user = user
        return user

    async def get_clinic(self, clinic_id: int) -> ClinicOut:
        """A clinic's details (name, timezone, overdue threshold); staff may read their own clinic."""
        return await self._call(ClinicOut, "GET", f"/clinics/{clinic_id}")

    async def list_doctors(self, query: DoctorsQuery | None = None, /, **fields: Any) -> list[DoctorOut]:
        """DoctorsQuery; a doctor sees no colleague's commission_rate."""
        return await self._list(DoctorOut, "/doctors", list_query(DoctorsQuery, query, fields))

    async def get_doctor(self, doctor_id: int) -> DoctorOut:
        return await self._call(DoctorOut, "GET", f"/doctors/{doctor_id}")

    async def my_doctor(self) -> DoctorOut:
        """The caller's own Doctor profile (DOCTOR users only)."""
        return await self._call(DoctorOut, "GET", "/doctors/me")

    async def doctor_schedule(self, doctor_id: int) -> ScheduleOut:
        return await self._call(ScheduleOut, "GET", f"/doctors/{doctor_id}/schedule")

    async def list_services(self, query: ServicesQuery | None = None, /, **fields: Any) -> list[ServiceOut]:
        return await self._list(ServiceOut, "/services", list_query(ServicesQuery, query, fields))
