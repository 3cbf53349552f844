"""Patients of a clinic: search, create, read, update. Receptionists see only their own clinic's patients."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import events as ev
from common.schemas import Page, PatientCreate, PatientEvent, PatientOut, PatientsQuery, PatientUpdate
from server.models import Patient, User
from server.services import outbox
from server.services._updates import sent_fields
from server.services.listing import paginate, patient_matches
from server.services.scope import require_clinic, resolve, resolve_clinic_id
from server.services.serializers import patient_out


def search_patients(session: Session, *, actor: User, query: PatientsQuery) -> Page[PatientOut]:
    """Name or phone contains `search` (services/listing.patient_matches), ordered by name."""
    stmt = select(Patient).where(Patient.clinic_id == resolve_clinic_id(actor, query.clinic_id))
    matches = patient_matches(query.search)
    if matches is not None:
        stmt = stmt.where(matches)
    stmt = stmt.order_by(func.lower(Patient.full_name), Patient.id)
    return paginate(session, stmt, query, schema=PatientOut, item=patient_out)


def get_patient(session: Session, *, actor: User, patient_id: int) -> PatientOut:
    """Staff of the patient's clinic; a doctor only for patients who have a visit or appointment with them."""
    return patient_out(resolve(session, actor, Patient, patient_id))


def create_patient(session: Session, *, actor: User, data: PatientCreate) -> PatientOut:
    # Staff always use their own clinic; an admin names one, and an unknown one is a 422 on clinic_id.
    clinic = require_clinic(session, resolve_clinic_id(actor, data.clinic_id))
    patient = Patient(clinic_id=clinic.id, **data.model_dump(exclude={"clinic_id"}))
    session.add(patient)
    session.flush()
    return _announce_and_commit(session, ev.PATIENT_CREATED, patient)


def update_patient(session: Session, *, actor: User, patient_id: int, data: PatientUpdate) -> PatientOut:
    """Front desk and admins (the route allows no doctors)."""
    patient = resolve(session, actor, Patient, patient_id)
    # The PATCH rule of every service: an explicit null is a 422 naming the field, except where a column may be
    # empty (an unknown date of birth).
    changes = sent_fields(data, nullable=frozenset({"date_of_birth"}))
    changed = {key: value for key, value in changes.items() if getattr(patient, key) != value}
    if not changed:
        return patient_out(patient)  # nothing to write, nothing to tell every desk
    for key, value in changed.items():
        setattr(patient, key, value)
    session.flush()
    return _announce_and_commit(session, ev.PATIENT_UPDATED, patient)


def _announce_and_commit(session: Session, name: str, patient: Patient) -> PatientOut:
    """Tell the desk room (numbered there, so the desk's kept patient list moves on in every server process:
    services/cached_reads.desk_list) and commit; a doctor's room hears nothing (they see only their patients)."""
    out = patient_out(patient)
    outbox.stage(session, name, PatientEvent(patient=out), clinic_id=patient.clinic_id)
    session.commit()
    return out
