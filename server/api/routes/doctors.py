"""/doctors — admin writes; staff read their own clinic's doctors and schedules.

Fixed paths (/doctors/me here; /doctors/earnings, /doctors/patients in doctor_portal.py, included earlier) must be
declared before /doctors/{doctor_id}.
"""

from typing import Annotated

from fastapi import APIRouter, Query, status

from common.schemas import (
    DoctorCreate,
    DoctorOut,
    DoctorsQuery,
    DoctorUpdate,
    FreeSlots,
    FreeSlotsQuery,
    ScheduleOut,
    ScheduleUpdate,
)
from server.api.deps import AdminUser, DoctorUser, Id, SessionDep, StaffUser
from server.services import appointments as appointment_service
from server.services import doctors as doctor_service

router = APIRouter(prefix="/doctors", tags=["doctors"])


@router.get("/me", response_model=DoctorOut)
def my_profile(doctor: DoctorUser) -> DoctorOut:
    return doctor_service.my_profile(doctor)


@router.get("", response_model=list[DoctorOut])
def list_doctors(session: SessionDep, me: StaffUser, query: Annotated[DoctorsQuery, Query()]) -> list[DoctorOut]:
    """A doctor sees their colleagues without their commission_rate."""
    return doctor_service.list_doctors(session, viewer=me, query=query)


@router.post("", response_model=DoctorOut, status_code=status.HTTP_201_CREATED)
def create_doctor(body: DoctorCreate, session: SessionDep, _: AdminUser) -> DoctorOut:
    return doctor_service.create_doctor(session, data=body)


@router.get("/{doctor_id}", response_model=DoctorOut)
def get_doctor(doctor_id: Id, session: SessionDep, me: StaffUser) -> DoctorOut:
    return doctor_service.get_doctor(session, doctor_id=doctor_id, viewer=me)


@router.patch("/{doctor_id}", response_model=DoctorOut)
def update_doctor(doctor_id: Id, body: DoctorUpdate, session: SessionDep, _: AdminUser) -> DoctorOut:
    return doctor_service.update_doctor(session, doctor_id=doctor_id, data=body)


@router.delete("/{doctor_id}", response_model=DoctorOut)
def deactivate_doctor(doctor_id: Id, session: SessionDep, _: AdminUser) -> DoctorOut:
    """Deactivates the profile (visits and payments refer to it); the user's login is managed under /users."""
    return doctor_service.deactivate_doctor(session, doctor_id=doctor_id)


@router.get("/{doctor_id}/schedule", response_model=ScheduleOut)
def get_schedule(doctor_id: Id, session: SessionDep, me: StaffUser) -> ScheduleOut:
    return doctor_service.get_schedule(session, doctor_id=doctor_id, viewer=me)


@router.put("/{doctor_id}/schedule", response_model=ScheduleOut)
def replace_schedule(doctor_id: Id, body: ScheduleUpdate, session: SessionDep, _: AdminUser) -> ScheduleOut:
    return doctor_service.replace_schedule(session, doctor_id=doctor_id, slots=body.slots)


@router.get("/{doctor_id}/free-slots", response_model=FreeSlots)
def free_slots(
    doctor_id: Id, session: SessionDep, me: StaffUser, query: Annotated[FreeSlotsQuery, Query()]
) -> FreeSlots:
    """Free start times on a clinic-local day for a service (the doctor's schedule minus live appointments).
    A doctor may ask only for their own id; the desk and admins for any doctor of the clinic."""
    return appointment_service.free_slots(session, actor=me, doctor_id=doctor_id, query=query)
