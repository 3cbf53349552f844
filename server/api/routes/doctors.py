"""/doctors — admin writes; staff read their own clinic's doctors and schedules.

Fixed paths (/doctors/me here; /doctors/earnings, /doctors/patients in doctor_portal.py, included earlier) must be
declared before /doctors/{doctor_id}.
"""

from fastapi import APIRouter, status

from common.schemas import DoctorCreate, DoctorOut, DoctorUpdate, ScheduleOut, ScheduleSlot, ScheduleUpdate
from server.api.deps import AdminUser, DoctorUser, Id, SessionDep, StaffUser
from server.models import DoctorSchedule
from server.services import doctors as doctor_service

router = APIRouter(prefix="/doctors", tags=["doctors"])


def _schedule_out(doctor_id: Id, rows: list[DoctorSchedule]) -> ScheduleOut:
    return ScheduleOut(doctor_id=doctor_id, slots=[ScheduleSlot.model_validate(r) for r in rows])


@router.get("/me", response_model=DoctorOut)
def my_profile(doctor: DoctorUser) -> DoctorOut:
    return DoctorOut.model_validate(doctor)


@router.get("", response_model=list[DoctorOut])
def list_doctors(
    session: SessionDep,
    me: StaffUser,
    clinic_id: Id | None = None,
    user_id: Id | None = None,
    include_inactive: bool = False,
) -> list[DoctorOut]:
    doctors = doctor_service.list_doctors(
        session, viewer=me, clinic_id=clinic_id, user_id=user_id, include_inactive=include_inactive
    )
    return [DoctorOut.model_validate(d) for d in doctors]


@router.post("", response_model=DoctorOut, status_code=status.HTTP_201_CREATED)
def create_doctor(body: DoctorCreate, session: SessionDep, _: AdminUser) -> DoctorOut:
    return DoctorOut.model_validate(doctor_service.create_doctor(session, data=body))


@router.get("/{doctor_id}", response_model=DoctorOut)
def get_doctor(doctor_id: Id, session: SessionDep, me: StaffUser) -> DoctorOut:
    return DoctorOut.model_validate(doctor_service.get_doctor(session, doctor_id=doctor_id, viewer=me))


@router.patch("/{doctor_id}", response_model=DoctorOut)
def update_doctor(doctor_id: Id, body: DoctorUpdate, session: SessionDep, _: AdminUser) -> DoctorOut:
    return DoctorOut.model_validate(doctor_service.update_doctor(session, doctor_id=doctor_id, data=body))


@router.delete("/{doctor_id}", response_model=DoctorOut)
def deactivate_doctor(doctor_id: Id, session: SessionDep, _: AdminUser) -> DoctorOut:
    """Deactivates the profile (visits and payments refer to it); the user's login is managed under /users."""
    return DoctorOut.model_validate(doctor_service.deactivate_doctor(session, doctor_id=doctor_id))


@router.get("/{doctor_id}/schedule", response_model=ScheduleOut)
def get_schedule(doctor_id: Id, session: SessionDep, me: StaffUser) -> ScheduleOut:
    return _schedule_out(doctor_id, doctor_service.get_schedule(session, doctor_id=doctor_id, viewer=me))


@router.put("/{doctor_id}/schedule", response_model=ScheduleOut)
def replace_schedule(doctor_id: Id, body: ScheduleUpdate, session: SessionDep, _: AdminUser) -> ScheduleOut:
    return _schedule_out(doctor_id, doctor_service.replace_schedule(session, doctor_id=doctor_id, slots=body.slots))
