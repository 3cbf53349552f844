"""Patients and a patient's history with one doctor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.client.api.transport import Transport, query_params, request_body
from common.schemas import (
    HistoryVisit,
    Page,
    PatientCreate,
    PatientOut,
    PatientUpdate,
)


class PatientsApi(Transport):
    async def list_patients(
        self, *, search: str | None = None, page: int = 1, per_page: int = 50, clinic_id: int | None = None
    ) -> Page[PatientOut]:
        params = query_params(search=search, page=page, per_page=per_page, clinic_id=clinic_id)
        return await self._page(PatientOut, "/patients", params)

    async def get_patient(self, patient_id: int) -> PatientOut:
        return await self._call(PatientOut, "GET", f"/patients/{patient_id}")

    async def create_patient(self, data: PatientCreate | Mapping[str, Any]) -> PatientOut:
        return await self._call(PatientOut, "POST", "/patients", json=request_body(PatientCreate, data))

    async def update_patient(self, patient_id: int, data: PatientUpdate | Mapping[str, Any]) -> PatientOut:
        body = request_body(PatientUpdate, data, exclude_unset=True)
        return await self._call(PatientOut, "PATCH", f"/patients/{patient_id}", json=body)

    async def history(
        self, patient_id: int, doctor_id: int, *, page: int = 1, per_page: int = 20
    ) -> Page[HistoryVisit]:
        """Visits of one patient with one doctor, newest first."""
        params = query_params(page=page, per_page=per_page)
        return await self._page(HistoryVisit, f"/patients/{patient_id}/history/{doctor_id}", params)
