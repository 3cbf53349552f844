"""Patients."""

from datetime import date
from typing import Annotated

from pydantic import Field

from common.schemas.base import Day, Id, Label, ListQuery, LongText, Name, PerPage, Phone, Schema, SearchTerm, Text


class PatientCreate(Schema):
    full_name: Name
    phone: Phone = ""
    date_of_birth: Day | None = None
    gender: Label = ""
    medical_history: LongText = ""
    allergies: LongText = ""
    clinic_id: Id | None = None  # admin only; staff always use their own clinic


class PatientUpdate(Schema):
    full_name: Name | None = None
    phone: Phone | None = None
    date_of_birth: Day | None = None
    gender: Label | None = None
    medical_history: LongText | None = None
    allergies: LongText | None = None


class PatientsQuery(ListQuery):
    """GET /patients: name or phone contains `search`, ordered by name."""

    search: SearchTerm | None = None
    clinic_id: Id | None = Field(default=None, description="admin only")
    per_page: PerPage = 20


class PatientOut(Schema):
    id: int
    clinic_id: int
    full_name: Annotated[str, Text(200)]
    phone: Annotated[str, Text(40)]
    date_of_birth: date | None
    gender: Annotated[str, Text(20)]
    medical_history: Annotated[str, Text(20_000)]
    allergies: Annotated[str, Text(20_000)]


class PatientBrief(Schema):
    id: int
    full_name: Annotated[str, Text(200)]
    phone: Annotated[str, Text(40)]
