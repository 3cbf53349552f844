"""Patients: search (name or phone), create, read, update — scoped to the caller's clinic."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from common.schemas import Page, PatientCreate, PatientOut, PatientsQuery, PatientUpdate
from server.api import etag
from server.api.deps import Id, ReceptionUser, SessionDep, StaffUser
from server.services import patients as patient_service

router = APIRouter(prefix="/patients", tags=["patients"])


@router.get("", response_model=Page[PatientOut], responses=etag.NOT_MODIFIED)
async def list_patients(
    request: Request, session: SessionDep, me: ReceptionUser, query: Annotated[PatientsQuery, Query()]
) -> Page[PatientOut] | Response:
    """With an `ETag` (kept per the desk room's seq, which registering or editing a patient moves)."""
    return await etag.desk_list(
        request,
        session,
        me,
        name="patients",
        clinic_id=query.clinic_id,
        query=query,
        read=lambda: patient_service.search_patients(session, actor=me, query=query),
    )


@router.post("", response_model=PatientOut, status_code=201)
def create_patient(body: PatientCreate, session: SessionDep, me: ReceptionUser) -> PatientOut:
    return patient_service.create_patient(session, actor=me, data=body)


@router.get("/{patient_id}", response_model=PatientOut)
def get_patient(patient_id: Id, session: SessionDep, me: StaffUser) -> PatientOut:
    return patient_service.get_patient(session, actor=me, patient_id=patient_id)


@router.patch("/{patient_id}", response_model=PatientOut)
def update_patient(patient_id: Id, body: PatientUpdate, session: SessionDep, me: ReceptionUser) -> PatientOut:
    return patient_service.update_patient(session, actor=me, patient_id=patient_id, data=body)
