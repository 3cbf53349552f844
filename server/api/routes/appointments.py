"""Appointments: list (date range, doctor, patient, status), book, update, cancel."""

from datetime import date

from fastapi import APIRouter, Query

from common.enums import AppointmentStatus
from common.schemas import AppointmentCancel, AppointmentCreate, AppointmentOut, AppointmentUpdate, Page
from server.api.deps import Id, PageNo, PerPage, ReceptionUser, SessionDep, StaffUser
from server.services import appointments as appointment_service
from server.services.serializers import appointment_out

router = APIRouter(prefix="/appointments", tags=["appointments"])


@router.get("", response_model=Page[AppointmentOut])
def list_appointments(
    session: SessionDep,
    me: StaffUser,
    start_date: date | None = Query(default=None, description="clinic-local day, inclusive"),
    end_date: date | None = Query(default=None, description="clinic-local day, inclusive"),
    doctor_id: Id | None = None,
    patient_id: Id | None = None,
    status: list[AppointmentStatus] | None = Query(default=None, description="repeat for several"),
    clinic_id: Id | None = Query(default=None, description="admin only"),
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Page[AppointmentOut]:
    return appointment_service.list_appointments(
        session,
        actor=me,
        start_date=start_date,
        end_date=end_date,
        doctor_id=doctor_id,
        patient_id=patient_id,
        statuses=status,
        clinic_id=clinic_id,
        page=page,
        per_page=per_page,
    )


@router.post("", response_model=AppointmentOut, status_code=201)
def create_appointment(body: AppointmentCreate, session: SessionDep, me: ReceptionUser) -> AppointmentOut:
    return appointment_out(appointment_service.create_appointment(session, actor=me, data=body))


@router.get("/{appointment_id}", response_model=AppointmentOut)
def get_appointment(appointment_id: Id, session: SessionDep, me: StaffUser) -> AppointmentOut:
    return appointment_out(appointment_service.get_appointment(session, actor=me, appointment_id=appointment_id))


@router.patch("/{appointment_id}", response_model=AppointmentOut)
def update_appointment(
    appointment_id: Id, body: AppointmentUpdate, session: SessionDep, me: ReceptionUser
) -> AppointmentOut:
    appt = appointment_service.update_appointment(session, actor=me, appointment_id=appointment_id, data=body)
    return appointment_out(appt)


@router.post("/{appointment_id}/cancel", response_model=AppointmentOut)
def cancel_appointment(
    appointment_id: Id, session: SessionDep, me: ReceptionUser, body: AppointmentCancel | None = None
) -> AppointmentOut:
    reason = body.reason if body is not None else ""
    appt = appointment_service.cancel_appointment(session, actor=me, appointment_id=appointment_id, reason=reason)
    return appointment_out(appt)
