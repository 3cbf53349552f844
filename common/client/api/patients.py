"""Patients and a patient's history with one doctor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.client.api.transport import Transport, list_query, request_body
from common.schemas import (
    HistoryQuery,
    HistoryVisit,
    Page,
    PatientCreate,
    PatientOut,
    PatientsQuery,
    PatientUpdate,
)


class PatientsApi(Transport):
    async def list_patients(self, query: PatientsQuery | None = None, /, **fields: Any) -> Page[PatientOut]:
        """PatientsQuery: name or phone contains `search`."""
        return await self._page(PatientOut, "/patients", list_query(PatientsQuery, query, fields), room_seqs=True)

    async def get_patient(self, patient_id: int) -> PatientOut:
        return await self._call(PatientOut, "GET", f"/patients/{patient_id}")

    async def create_patient(self, data: PatientCreate | Mapping[str, Any]) -> PatientOut:
        return await self._call(PatientOut, "POST", "/patients", json=request_body(PatientCreate, data))

    async def update_patient(self, patient_id: int, data: PatientUpdate | Mapping[str, Any]) -> PatientOut:
        body = request_body(PatientUpdate, data, exclude_unset=True)
        return await self._call(PatientOut, "PATCH", f"/patients/{patient_id}", json=body)

    async def history(
        self, patient_id: int, doctor_id: int, query: HistoryQuery | None = None, /, **fields: Any
    ) -> Page[HistoryVisit]:
        """Visits of one patient with one doctor, newest first (HistoryQuery: page, per_page)."""
        params = list_query(HistoryQuery, query, fields)
        return await self._page(HistoryVisit, f"/patients/{patient_id}/history/{doctor_id}", params, room_seqs=True)
