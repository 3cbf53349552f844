"""The caller, the clinic, doctors, schedules and services."""

from __future__ import annotations

from common.client.api.transport import Transport, query_params
from common.schemas import (
    ClinicOut,
    DoctorOut,
    ScheduleOut,
    ServiceOut,
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

    async def list_doctors(self, *, clinic_id: int | None = None, include_inactive: bool = False) -> list[DoctorOut]:
        params = query_params(clinic_id=clinic_id, include_inactive=include_inactive or None)
        return await self._list(DoctorOut, "/doctors", params)

    async def get_doctor(self, doctor_id: int) -> DoctorOut:
        return await self._call(DoctorOut, "GET", f"/doctors/{doctor_id}")

    async def my_doctor(self) -> DoctorOut:
        """The caller's own Doctor profile (DOCTOR users only)."""
        return await self._call(DoctorOut, "GET", "/doctors/me")

    async def doctor_schedule(self, doctor_id: int) -> ScheduleOut:
        return await self._call(ScheduleOut, "GET", f"/doctors/{doctor_id}/schedule")

    async def list_services(self, *, clinic_id: int | None = None, include_inactive: bool = False) -> list[ServiceOut]:
        params = query_params(clinic_id=clinic_id, include_inactive=include_inactive or None)
        return await self._list(ServiceOut, "/services", params)
