"""Dashboards and the doctor portal (earnings, the doctor's patients and appointments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from common.client.api.transport import Transport, list_query
from common.schemas import (
    AppointmentOut,
    DoctorAppointmentsQuery,
    DoctorDashboard,
    DoctorPatient,
    DoctorPatientsQuery,
    EarningsPage,
    EarningsQuery,
    Page,
    ReceptionDashboard,
)


class DoctorPortalApi(Transport):
    async def reception_dashboard(self) -> ReceptionDashboard:
        return await self._call(ReceptionDashboard, "GET", "/dashboard/reception", room_seqs=True)

    async def doctor_dashboard(self) -> DoctorDashboard:
        """Today's Work; sends the live rooms' seqs, as `queue_board` does."""
        return await self._call(DoctorDashboard, "GET", "/dashboard/doctor", room_seqs=True)

    async def doctor_appointments(
        self, query: DoctorAppointmentsQuery | None = None, /, **fields: Any
    ) -> list[AppointmentOut]:
        """All the caller's (a doctor's) appointments in the range, ascending, every page fetched; the defaults
        are the server's (from now on; CONFIRMED and CHECKED_IN)."""
        items: list[AppointmentOut] = []
        page = 1
        while True:
            chunk = await self.doctor_appointments_page(query, **{**fields, "page": page, "per_page": 500})
            items.extend(chunk.items)
            if not chunk.items or len(items) >= chunk.total:
                return items
            page += 1

    async def doctor_appointments_page(
        self, query: DoctorAppointmentsQuery | None = None, /, **fields: Any
    ) -> Page[AppointmentOut]:
        params = list_query(DoctorAppointmentsQuery, query, fields)
        return await self._page(AppointmentOut, "/dashboard/doctor/appointments", params, room_seqs=True)

    # --- doctor portal ----------------------------------------------------------------------------------------

    async def earnings(self, query: EarningsQuery | None = None, /, **fields: Any) -> EarningsPage:
        """One page of the caller's earnings with the summary (and per-day groups with group_by="date")."""
        params = list_query(EarningsQuery, query, {**fields, "fmt": "json"})
        return await self._call(EarningsPage, "GET", "/doctors/earnings", params=params, room_seqs=True)

    async def earnings_csv(self, query: EarningsQuery | None = None, /, **fields: Any) -> bytes:
        """The filtered earnings as CSV, in memory (use `earnings_csv_to` for big exports)."""
        params = list_query(EarningsQuery, query, {**fields, "fmt": "csv"})
        response = await self._send("GET", "/doctors/earnings", params=params)
        return response.content

    async def earnings_csv_to(self, path: str | Path, query: EarningsQuery | None = None, /, **fields: Any) -> int:
        """Stream the filtered earnings CSV into a file; returns the number of bytes written."""
        params = list_query(EarningsQuery, query, {**fields, "fmt": "csv"})
        response = await self._send("GET", "/doctors/earnings", params=params, stream=True)
        written = 0
        target = Path(path)
        try:
            # Plain writes: each chunk is small and local disk is fast next to the network.
            with target.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    written += len(chunk)
        except httpx.TransportError as exc:
            raise self._unreachable() from exc
        finally:
            await response.aclose()
        return written

    async def doctor_patients(self, query: DoctorPatientsQuery | None = None, /, **fields: Any) -> Page[DoctorPatient]:
        params = list_query(DoctorPatientsQuery, query, fields)
        return await self._page(DoctorPatient, "/doctors/patients", params, room_seqs=True)
