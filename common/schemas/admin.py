"""Admin: clinics, users, doctors, services, schedules."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from common.enums import DisplayNames, Role
from common.schemas.base import (
    Address,
    Currency,
    Id,
    Money,
    Name,
    Password,
    Phone,
    Rate,
    Schema,
    Specialty,
    Text,
    Timezone,
    Username,
    field_error,
)


class ClinicCreate(Schema):
    name: Name
    timezone: Timezone = "UTC"
    address: Address = ""
    phone: Phone = ""
    overdue_wait_minutes: int = Field(default=20, gt=0, le=24 * 60)
    currency: Currency = "USD"
    max_active_per_doctor: int = Field(default=1, ge=1, le=20)
    no_show_after_minutes: int = Field(default=30, ge=1, le=24 * 60)
    display_names: DisplayNames = DisplayNames.NONE


class ClinicUpdate(Schema):
    name: Name | None = None
    timezone: Timezone | None = None
    address: Address | None = None
    phone: Phone | None = None
    overdue_wait_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    currency: Currency | None = None
    max_active_per_doctor: int | None = Field(default=None, ge=1, le=20)
    no_show_after_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    display_names: DisplayNames | None = None


class UsersQuery(Schema):
    """GET /users (admin)."""

    clinic_id: Id | None = None
    role: Role | None = None
    is_active: bool | None = None


class DoctorsQuery(Schema):
    """GET /doctors: an admin names a clinic (or sees all); staff see their own clinic's."""

    clinic_id: Id | None = None
    user_id: Id | None = None
    include_inactive: bool = False


class ServicesQuery(Schema):
    """GET /services: an admin names a clinic (or sees all); staff see their own clinic's."""

    clinic_id: Id | None = None
    include_inactive: bool = False


class ClinicOut(Schema):
    id: int
    name: Annotated[str, Text(200)]
    timezone: Annotated[str, Text(64)]
    address: Annotated[str, Text(300)]
    phone: Annotated[str, Text(40)]
    overdue_wait_minutes: int
    event_seq: int
    currency: Annotated[str, Text(3)] = "USD"
    max_active_per_doctor: int = 1
    no_show_after_minutes: int = 30
    display_names: DisplayNames = DisplayNames.NONE


class UserCreate(Schema):
    username: Username
    password: Password
    full_name: Name
    role: Role
    clinic_id: Id | None = None

    @model_validator(mode="after")
    def _clinic_for_staff(self) -> "UserCreate":
        if self.role != Role.ADMIN and self.clinic_id is None:
            raise field_error("UserCreate", "clinic_id", "clinic_id is required for receptionists and doctors")
        return self


class UserUpdate(Schema):
    full_name: Name | None = None
    password: Password | None = None
    role: Role | None = None
    clinic_id: Id | None = None
    is_active: bool | None = None


class NewDoctorUser(Schema):
    username: Username
    password: Password
    full_name: Name


class DoctorCreate(Schema):
    """Either link an existing DOCTOR user (`user_id`) or create the user in the same call (`user`)."""

    clinic_id: Id
    user_id: Id | None = None
    user: NewDoctorUser | None = None
    specialty: Specialty = ""
    phone: Phone = ""
    commission_rate: Rate = Decimal("0.5000")

    @model_validator(mode="after")
    def _one_user(self) -> "DoctorCreate":
        if (self.user_id is None) == (self.user is None):
            raise field_error("DoctorCreate", "user_id", "give exactly one of user_id or user")
        return self


class DoctorUpdate(Schema):
    specialty: Specialty | None = None
    phone: Phone | None = None
    commission_rate: Rate | None = None
    is_active: bool | None = None
    full_name: Name | None = None


class DoctorOut(Schema):
    id: int
    user_id: int
    clinic_id: int
    full_name: Annotated[str, Text(200)]
    specialty: Annotated[str, Text(120)]
    phone: Annotated[str, Text(40)]
    commission_rate: Decimal | None = None  # the doctor concerned, the desk and admins only
    is_active: bool


class DoctorBrief(Schema):
    id: int
    full_name: Annotated[str, Text(200)]
    specialty: Annotated[str, Text(120)] = ""


class ScheduleSlot(Schema):
    day_of_week: int = Field(ge=0, le=6)
    hour: int = Field(ge=0, le=23)
    is_available: bool = True


class ScheduleOut(Schema):
    doctor_id: int
    slots: list[ScheduleSlot]


class ScheduleUpdate(Schema):
    """Replaces the doctor's whole weekly schedule."""

    slots: list[ScheduleSlot] = Field(max_length=7 * 24)


class ServiceCreate(Schema):
    clinic_id: Id
    name: Name
    price: Money
    duration_minutes: int = Field(default=30, gt=0, le=24 * 60)
    doctor_share_rate: Rate | None = None


class ServiceUpdate(Schema):
    name: Name | None = None
    price: Money | None = None
    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    doctor_share_rate: Rate | None = None
    is_active: bool | None = None


class ServiceOut(Schema):
    id: int
    clinic_id: int
    name: Annotated[str, Text(200)]
    price: Decimal
    duration_minutes: int
    doctor_share_rate: Decimal | None
    is_active: bool


class ServiceBrief(Schema):
    id: int
    name: Annotated[str, Text(200)]
    price: Decimal
    duration_minutes: int
