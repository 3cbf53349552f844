"""Dashboards and the doctor portal (earnings, the doctor's patients and appointments)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from common.client.api.transport import Params, Transport, query_params
from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus
from common.schemas import (
    AppointmentOut,
    DoctorDashboard,
    DoctorPatient,
    EarningsPage,
    Page,
    ReceptionDashboard,
)


@dataclass(frozen=True)
class EarningsFilters:
    """Filters of the doctor's earnings list; dates are clinic-local days, both ends inclusive."""

    start_date: date | None = None
    end_date: date | None = None
    status: PaymentStatus | None = None
    payment_method: PaymentMethod | None = None

    def params(self) -> Params:
        return query_params(
            start_date=self.start_date,
            end_date=self.end_date,
            status=self.status,
            payment_method=self.payment_method,
        )


class DoctorPortalApi(Transport):
    async def reception_dashboard(self) -> ReceptionDashboard:
        return await self._call(ReceptionDashboard, "GET", "/dashboard/reception")

    async def doctor_dashboard(self) -> DoctorDashboard:
        return await self._call(DoctorDashboard, "GET", "/dashboard/doctor")

    async def doctor_appointments(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
    ) -> list[AppointmentOut]:
        """All the caller's (a doctor's) appointments in the range, ascending, every page fetched; the defaults
        are the server's (from now on; CONFIRMED and CHECKED_IN)."""
        items: list[AppointmentOut] = []
        page = 1
        while True:
            chunk = await self.doctor_appointments_page(
                start_date=start_date, end_date=end_date, status=status, page=page, per_page=500
            )
            items.extend(chunk.items)
            if not chunk.items or len(items) >= chunk.total:
                return items
            page += 1

    async def doctor_appointments_page(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> Page[AppointmentOut]:
        params = query_params(start_date=start_date, end_date=end_date, status=status, page=page, per_page=per_page)
        return await self._page(AppointmentOut, "/dashboard/doctor/appointments", params)

    # --- doctor portal ----------------------------------------------------------------------------------------

    async def earnings(
        self,
        filters: EarningsFilters | None = None,
        *,
        page: int = 1,
        per_page: int = 200,
        group_by: str | None = None,
    ) -> EarningsPage:
        params = {
            **(filters or EarningsFilters()).params(),
            **query_params(page=page, per_page=per_page, group_by=group_by),
        }
        return await self._call(EarningsPage, "GET", "/doctors/earnings", params=params)

    async def earnings_csv(self, filters: EarningsFilters | None = None) -> bytes:
        """The filtered earnings as CSV, in memory (use `earnings_csv_to` for big exports)."""
        params = {**(filters or EarningsFilters()).params(), "format": "csv"}
        response = await self._send("GET", "/doctors/earnings", params=params)
        return response.content

    async def earnings_csv_to(self, path: str | Path, filters: EarningsFilters | None = None) -> int:
        """Stream the filtered earnings CSV into a file; returns the number of bytes written."""
        params = {**(filters or EarningsFilters()).params(), "format": "csv"}
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

    async def doctor_patients(
        self, *, search: str | None = None, page: int = 1, per_page: int = 50
    ) -> Page[DoctorPatient]:
        params = query_params(search=search, page=page, per_page=per_page)
        return await self._page(DoctorPatient, "/doctors/patients", params)
