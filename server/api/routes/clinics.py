"""/clinics — admin CRUD; staff may read their own clinic (its time zone and overdue threshold)."""

from fastapi import APIRouter, Request, status

from common.schemas import ClinicCreate, ClinicOut, ClinicUpdate
from server.api.deps import AdminUser, Id, SessionDep, StaffUser
from server.realtime.display import DisplayHub
from server.services import clinics as clinic_service

router = APIRouter(prefix="/clinics", tags=["clinics"])


@router.get("", response_model=list[ClinicOut])
def list_clinics(session: SessionDep, _: AdminUser) -> list[ClinicOut]:
    return clinic_service.list_clinics(session)


@router.post("", response_model=ClinicOut, status_code=status.HTTP_201_CREATED)
def create_clinic(body: ClinicCreate, session: SessionDep, _: AdminUser) -> ClinicOut:
    return clinic_service.create_clinic(session, data=body)


@router.get("/{clinic_id}", response_model=ClinicOut)
def get_clinic(clinic_id: Id, session: SessionDep, me: StaffUser) -> ClinicOut:
    return clinic_service.get_clinic(session, clinic_id=clinic_id, viewer=me)


@router.patch("/{clinic_id}", response_model=ClinicOut)
def update_clinic(clinic_id: Id, body: ClinicUpdate, request: Request, session: SessionDep, _: AdminUser) -> ClinicOut:
    out = clinic_service.update_clinic(session, clinic_id=clinic_id, data=body)
    hub: DisplayHub = request.app.state.display_hub
    hub.clinic_changed(out.id)  # its name, time zone and initials are on the waiting-room screens
    return out


@router.delete("/{clinic_id}", response_model=ClinicOut)
def delete_clinic(clinic_id: Id, session: SessionDep, _: AdminUser) -> ClinicOut:
    """Deletes a clinic nothing refers to yet; 409 (naming what refers to it) otherwise."""
    return clinic_service.delete_clinic(session, clinic_id=clinic_id)
