"""Patients of a clinic: search, create, read, update. Receptionists see only their own clinic's patients."""

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from common.enums import Role
from common.schemas import Page, PatientCreate, PatientOut, PatientUpdate
from server.core.errors import NotFound
from server.models import Appointment, Patient, User, Visit
from server.services._updates import sent_fields
from server.services.auth import doctor_of
from server.services.listing import paginate, patient_matches
from server.services.scope import ensure_clinic, require_clinic, resolve_clinic_id
from server.services.serializers import patient_out


def search_patients(
    session: Session,
    *,
    actor: User,
    search: str | None = None,
    clinic_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[PatientOut]:
    """Name or phone contains `search` (services/listing.patient_matches), ordered by name."""
    stmt = select(Patient).where(Patient.clinic_id == resolve_clinic_id(actor, clinic_id))
    matches = patient_matches(search)
    if matches is not None:
        stmt = stmt.where(matches)
    stmt = stmt.order_by(func.lower(Patient.full_name), Patient.id)
    return paginate(session, stmt, page=page, per_page=per_page, schema=PatientOut, item=patient_out)


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
    # The PATCH rule of every service: an explicit null is a 422 naming the field, except where a column may be
    # empty (an unknown date of birth).
    changes = sent_fields(data, nullable=frozenset({"date_of_birth"}))
    for key, value in changes.items():
        setattr(patient, key, value)
    session.commit()
    return patient
