"""Appointments."""

from datetime import date as date_type
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field

from common.enums import AppointmentStatus
from common.schemas.admin import (
    DoctorBrief,
    ServiceBrief,
)
from common.schemas.base import DateRange, Day, Id, Instant, ListQuery, LongText, Schema, Text
from common.schemas.patients import PatientBrief


class AppointmentCreate(Schema):
    patient_id: Id
    doctor_id: Id
    service_id: Id
    start_time: Instant
    notes: LongText = ""


class AppointmentUpdate(Schema):
    doctor_id: Id | None = None
    service_id: Id | None = None
    start_time: Instant | None = None
    notes: LongText | None = None
    status: AppointmentStatus | None = None  # only NO_SHOW may be set this way


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value  # one status given alone (AppointmentStatus is a str)


# `status=A&status=B` on the wire; one status or several from Python.
AppointmentStatuses = Annotated[
    list[AppointmentStatus] | None, BeforeValidator(_as_list), Field(description="repeat for several")
]


class AppointmentsQuery(DateRange, ListQuery):
    """GET /appointments: by start time; a doctor sees only their own. Without `status`, every status but
    NO_SHOW."""

    doctor_id: Id | None = None
    patient_id: Id | None = None
    status: AppointmentStatuses = None
    clinic_id: Id | None = Field(default=None, description="admin only")


class AppointmentCancel(Schema):
    reason: LongText = ""


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
    notes: Annotated[str, Text(20_000)]
    cancel_reason: Annotated[str, Text(20_000)] = ""
    created_by: int | None
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief


class FreeSlotsQuery(Schema):
    """GET /doctors/{doctor_id}/free-slots: the start times on one clinic-local day where `service_id` fits."""

    model_config = ConfigDict(populate_by_name=True)

    day: Day = Field(alias="date", description="the clinic's local day")
    service_id: Id


class FreeSlots(Schema):
    """Free start times (UTC instants, every `step_minutes` from local midnight) on `date` in the clinic's
    `timezone`: inside the doctor's schedule for the whole service, not overlapping a live appointment, not in
    the past."""

    doctor_id: int
    service_id: int
    date: date_type
    timezone: Annotated[str, Text(64)]
    duration_minutes: int
    step_minutes: int
    slots: list[datetime]
