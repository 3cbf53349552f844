"""Appointments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from common.client.api.transport import Transport, list_query, request_body
from common.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    AppointmentOut,
    AppointmentsQuery,
    AppointmentUpdate,
    FreeSlots,
    Page,
    TimelineEntry,
)


class AppointmentsApi(Transport):
    async def list_appointments(self, query: AppointmentsQuery | None = None, /, **fields: Any) -> Page[AppointmentOut]:
        """AppointmentsQuery's filters (`query`, and/or its fields by name): dates are clinic-local days,
        inclusive; `status` may be several."""
        params = list_query(AppointmentsQuery, query, fields)
        return await self._page(AppointmentOut, "/appointments", params, room_seqs=True)

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

    async def free_slots(self, doctor_id: int, *, day: date, service_id: int) -> FreeSlots:
        """Free start times of `doctor_id` on the clinic-local `day` for `service_id` (a doctor: their own id)."""
        params = {"date": day.isoformat(), "service_id": service_id}
        return await self._call(FreeSlots, "GET", f"/doctors/{doctor_id}/free-slots", params=params)

    async def mark_no_show(self, appointment_id: int) -> AppointmentOut:
        """A CONFIRMED appointment not checked in becomes NO_SHOW; anything else is ApiError 409."""
        return await self._call(AppointmentOut, "POST", f"/appointments/{appointment_id}/no-show")

    async def appointment_timeline(self, appointment_id: int) -> list[TimelineEntry]:
        """Booked, rescheduled, notes and every status change of the appointment, oldest first."""
        return await self._list(TimelineEntry, f"/appointments/{appointment_id}/timeline")
