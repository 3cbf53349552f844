"""Appointments."""

from datetime import datetime

from common.enums import AppointmentStatus
from common.schemas.admin import (
    DoctorBrief,
    ServiceBrief,
)
from common.schemas.base import Schema
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
