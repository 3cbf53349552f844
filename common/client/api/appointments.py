"""Appointments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from common.client.api.transport import Transport, query_params, request_body
from common.enums import AppointmentStatus
from common.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    AppointmentOut,
    AppointmentUpdate,
    Page,
)


class AppointmentsApi(Transport):
    async def list_appointments(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        doctor_id: int | None = None,
        patient_id: int | None = None,
        status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
        clinic_id: int | None = None,
        page: int = 1,
        per_page: int = 200,
    ) -> Page[AppointmentOut]:
        """Dates are clinic-local days, inclusive; `status` may be several."""
        params = query_params(
            start_date=start_date,
            end_date=end_date,
            doctor_id=doctor_id,
            patient_id=patient_id,
            status=status,
            clinic_id=clinic_id,
            page=page,
            per_page=per_page,
        )
        return await self._page(AppointmentOut, "/appointments", params)

    async def create_appointment(self, data: AppointmentCreate | Mapping[str, Any]) -> AppointmentOut:
        return await self._call(AppointmentOut, "POST", "/appointments", json=request_body(AppointmentCreate, data))

    async def update_appointment(
        self, appointment_id: int, data: AppointmentUpdate | Mapping[str, Any]
    ) -> AppointmentOut:
        body = request_body(AppointmentUpdate, data, exclude_unset=True)
        return await self._call(AppointmentOut, "PATCH", f"/appointments/{appointment_id}", json=body)

    async def cancel_appointment(self, appointment_id: int, *, reason: str = "") -> AppointmentOut:
        body = request_body(AppointmentCancel, {"reason": reason})
        return await self._call(AppointmentOut, "POST", f"/appointments/{appointment_id}/cancel", json=body)
