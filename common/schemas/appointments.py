"""Appointments."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from common.enums import AppointmentStatus
from common.schemas.admin import (
    DoctorBrief,
    ServiceBrief,
)
from common.schemas.base import DateRange, ListQuery, Schema
from common.schemas.patients import PatientBrief


class AppointmentCreate(Schema):
    patient_id: int
    doctor_id: int
    service_id: int
    start_time: datetime
    notes: str = ""


class AppointmentUpdate(Schema):
    doctor_id: int | None = None
    service_id: int | None = None
    start_time: datetime | None = None
    notes: str | None = None
    status: AppointmentStatus | None = None  # only NO_SHOW may be set this way


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value  # one status given alone (AppointmentStatus is a str)


# `status=A&status=B` on the wire; one status or several from Python.
AppointmentStatuses = Annotated[
    list[AppointmentStatus] | None, BeforeValidator(_as_list), Field(description="repeat for several")
]


class AppointmentsQuery(DateRange, ListQuery):
    """GET /appointments: by start time; a doctor sees only their own."""

    doctor_id: int | None = None
    patient_id: int | None = None
    status: AppointmentStatuses = None
    clinic_id: int | None = Field(default=None, description="admin only")


class AppointmentCancel(Schema):
    reason: str = ""


class AppointmentBrief(Schema):
    id: int
    start_time: datetime
    end_time: datetime
    status: AppointmentStatus


class AppointmentOut(Schema):
    id: int
    clinic_id: int
    patient_id: int
    doctor_id: int
    service_id: int
    start_time: datetime
    end_time: datetime
    status: AppointmentStatus
    notes: str
    created_by: int | None
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief
