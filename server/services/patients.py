"""Patients of a clinic: search, create, read, update. Receptionists see only their own clinic's patients."""

import re

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from common.enums import Role
from common.schemas import Page, PatientCreate, PatientOut, PatientUpdate
from server.core.errors import NotFound
from server.models import Appointment, Patient, User, Visit
from server.services.auth import doctor_of
from server.services.scope import ensure_clinic, require_clinic, resolve_clinic_id
from server.services.serializers import patient_out


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_patients(
    session: Session,
    *,
    actor: User,
    search: str | None = None,
    clinic_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[PatientOut]:
    """Name or phone contains `search` (case-insensitive; phone also compared by digits only)."""
    cid = resolve_clinic_id(actor, clinic_id)
    conditions = [Patient.clinic_id == cid]
    term = (search or "").strip()
    if term:
        matches = [Patient.full_name.ilike(_like(term), escape="\\"), Patient.phone.ilike(_like(term), escape="\\")]
        digits = re.sub(r"\D", "", term)
        if digits:  # "555 01-23" finds "+15550123"
            matches.append(func.regexp_replace(Patient.phone, r"\D", "", "g").like(f"%{digits}%"))
        conditions.append(or_(*matches))
    total = session.scalar(select(func.count()).select_from(Patient).where(*conditions)) or 0
    rows = session.scalars(
        select(Patient)
        .where(*conditions)
        .order_by(func.lower(Patient.full_name), Patient.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page[PatientOut](items=[patient_out(p) for p in rows], page=page, per_page=per_page, total=total)


def _doctor_knows(session: Session, doctor_id: int, patient_id: int) -> bool:
    seen = exists().where(Visit.patient_id == patient_id, Visit.doctor_id == doctor_id)
    booked = exists().where(Appointment.patient_id == patient_id, Appointment.doctor_id == doctor_id)
    return bool(session.scalar(select(or_(seen, booked))))


def get_patient(session: Session, *, actor: User, patient_id: int) -> Patient:
    """Staff of the patient's clinic; a doctor only for patients who have a visit or appointment with them."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("patient not found")
    if actor.role == Role.DOCTOR:
        if not _doctor_knows(session, doctor_of(actor).id, patient.id):
            raise NotFound("patient not found")
    else:
        ensure_clinic(actor, patient.clinic_id, "patient")
    return patient


def create_patient(session: Session, *, actor: User, data: PatientCreate) -> Patient:
    # Staff always use their own clinic; an admin names one, and an unknown one is a 422 on clinic_id.
    clinic = require_clinic(session, resolve_clinic_id(actor, data.clinic_id))
    patient = Patient(clinic_id=clinic.id, **data.model_dump(exclude={"clinic_id"}))
    session.add(patient)
    session.commit()
    return patient


def update_patient(session: Session, *, actor: User, patient_id: int, data: PatientUpdate) -> Patient:
    """Front desk and admins (the route allows no doctors)."""
    patient = get_patient(session, actor=actor, patient_id=patient_id)
    changes = data.model_dump(exclude_unset=True)
    for key in ("full_name", "phone", "gender", "medical_history", "allergies"):
        if key in changes and changes[key] is None:  # these columns are not nullable: null means "leave as is"
            changes.pop(key)
    for key, value in changes.items():
        setattr(patient, key, value)
    session.commit()
    return patient
