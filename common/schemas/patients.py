"""Patients."""

from datetime import date

from pydantic import Field

from common.schemas.base import ListQuery, Name, PerPage, Phone, Schema


class PatientCreate(Schema):
    full_name: Name
    phone: Phone = ""
    date_of_birth: date | None = None
    gender: str = Field(default="", max_length=20)
    medical_history: str = ""
    allergies: str = ""
    clinic_id: int | None = None  # admin only; staff always use their own clinic


class PatientUpdate(Schema):
    full_name: Name | None = None
    phone: Phone | None = None
    date_of_birth: date | None = None
    gender: str | None = Field(default=None, max_length=20)
    medical_history: str | None = None
    allergies: str | None = None


class PatientsQuery(ListQuery):
    """GET /patients: name or phone contains `search`, ordered by name."""

    search: str | None = Field(default=None, max_length=200)
    clinic_id: int | None = Field(default=None, description="admin only")
    per_page: PerPage = 20


class PatientOut(Schema):
    id: int
    clinic_id: int
    full_name: str
    phone: str
    date_of_birth: date | None
    gender: str
    medical_history: str
    allergies: str


class PatientBrief(Schema):
    id: int
    full_name: str
    phone: str
