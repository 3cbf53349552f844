"""Check-in and THE visit state machine (`change_visit_status`); the board is services/board.py.

Every route that changes a visit's status goes through `change_visit_status`, so the transition table, the
permission rules, the audit row, the appointment sync and the events live in one place.

Locks follow the order of services/locking.py: the visit / appointment / patient row first; the seq rows only
at commit (services/outbox.py).
"""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from common import events as ev
from common.enums import AppointmentStatus, Priority, Role, VisitStatus
from common.schemas import (
    AppointmentEvent,
    CheckInRequest,
    PatientWithDoctorEvent,
    QueueUpdatedEvent,
    VisitCalledEvent,
    VisitEvent,
    VisitOut,
    VisitStatusChangedEvent,
)
from server.core.db import utcnow
from server.core.errors import Conflict, Forbidden, NotFound
from server.models import (
    Appointment,
    Clinic,
    Doctor,
    Patient,
    Service,
    User,
    Visit,
    VisitPriorityChange,
    VisitStatusChange,
)
from server.services import appointment_audit, audience, outbox
from server.services import history as history_service
from server.services.audience import Audience
from server.services.clinic_time import local_today
from server.services.locking import lock_doctor_sends, lock_queue_numbers
from server.services.scope import resolve
from server.services.serializers import VISIT_LOAD, appointment_out, patient_out, visit_out

S = VisitStatus
RECEPTION = frozenset({Role.ADMIN, Role.RECEPTIONIST})
RECEPTION_OR_DOCTOR = frozenset({Role.ADMIN, Role.RECEPTIONIST, Role.DOCTOR})
DOCTOR_OR_ADMIN = frozenset({Role.ADMIN, Role.DOCTOR})

# DESIGN.md's transition table: (from, to) → roles allowed. DOCTOR always means the visit's own doctor (the
# scope check runs first). Anything not listed is a 409.
TRANSITIONS: dict[tuple[VisitStatus, VisitStatus], frozenset[Role]] = {
    (S.WAITING, S.CALLED): RECEPTION_OR_DOCTOR,
    (S.WAITING, S.IN_PROGRESS): RECEPTION_OR_DOCTOR,
    (S.CALLED, S.IN_PROGRESS): RECEPTION_OR_DOCTOR,
    (S.IN_PROGRESS, S.WAITING): RECEPTION,
    (S.IN_PROGRESS, S.COMPLETED): DOCTOR_OR_ADMIN,
    (S.WAITING, S.CANCELLED): RECEPTION,
    (S.CALLED, S.CANCELLED): RECEPTION,
}
ACTIVE_STATUSES = (S.WAITING, S.CALLED, S.IN_PROGRESS)


VISIT_LOCK_LOAD = (*VISIT_LOAD, joinedload(Visit.appointment))


# --- the state machine ---------------------------------------------------------------------------------------


def _audit(session: Session, visit: Visit, from_status: VisitStatus | None, actor: User, at: datetime) -> None:
    session.add(
        VisitStatusChange(
            visit_id=visit.id,
            from_status=from_status,
            to_status=visit.status,
            room=visit.room if visit.status == S.CALLED else None,  # the timeline names each call's own room
            changed_by=actor.id,
            changed_at=at,
        )
    )


def _answer(visit: Visit, actor: User) -> VisitOut:
    return visit_out(visit, audience.of(actor, doctor_id=visit.doctor_id))


def _stage(session: Session, name: str, visit: Visit, body: BaseModel, *, desk: bool = True) -> None:
    """To the desk and to the visit's own doctor (the body whole; the outbox shapes it for each room)."""
    outbox.stage(session, name, body, clinic_id=visit.clinic_id, desk=desk, doctors=(visit.doctor_id,))


def _apply_effects(
    visit: Visit,
    target: VisitStatus,
    *,
    notes: str | None,
    prescription: str | None,
    room: str | None,
    cancel_appointment: bool,
) -> bool:
    """Set times/notes/room and keep the linked appointment in sync; True when the appointment changed."""
    now = utcnow()
    if target == S.CALLED:
        visit.called_at = now
        if room is not None:
            visit.room = room
    elif target == S.IN_PROGRESS:
        visit.start_time = now
    elif target == S.WAITING:  # undo of "with doctor": back in the queue, no longer called (the waiting-room
        visit.start_time = None  # screen must not show the old call if they are sent in without a new one)
        visit.called_at = None
        visit.room = ""
    elif target == S.COMPLETED:
        visit.end_time = now
        if notes is not None:
            visit.notes = notes
        if prescription is not None:
            visit.prescription = prescription
    appointment = visit.appointment
    if appointment is None:
        return False
    if target == S.COMPLETED:
        appointment.status = AppointmentStatus.COMPLETED
        return True
    if target == S.CANCELLED and cancel_appointment:
        appointment.status = AppointmentStatus.CANCELLED
        return True
    return False


def change_visit_status(
    session: Session,
    *,
    actor: User,
    visit_id: int,
    target: VisitStatus,
    notes: str | None = None,
    prescription: str | None = None,
    expected_version: int | None = None,
    cancel_appointment: bool = False,
    room: str | None = None,
    confirm: bool = False,
) -> VisitOut:
    """Move a visit to `target` under a row lock and commit; raise (having written nothing) when the move is
    illegal (Conflict, with `current_status`), not allowed (Forbidden) or out of scope (scope.resolve).

    room: where a call (-> CALLED) sends the patient. confirm: send (-> IN_PROGRESS) even to a doctor who
    already has `Clinic.max_active_per_doctor` patients with them (else Conflict coded `doctor_busy`)."""
    # the briefs the answer and the events carry come in the same statement as the lock (no lazy loads after)
    visit = resolve(session, actor, Visit, visit_id, field="visit_id", lock=True, options=VISIT_LOCK_LOAD)
    current = visit.status
    if target == S.COMPLETED and actor.role == Role.RECEPTIONIST:
        raise Forbidden("only the doctor can complete a consultation")
    if expected_version is not None and expected_version != visit.version:
        raise Conflict(
            "this visit was changed by someone else; reload it",
            current_status=current.value,
            current_version=visit.version,
        )
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise Conflict(f"cannot move a visit from {current.value} to {target.value}", current_status=current.value)
    if actor.role not in allowed:
        raise Forbidden(f"a {actor.role.value.lower()} cannot move a visit from {current.value} to {target.value}")
    if target == S.IN_PROGRESS:
        # The limit protects a doctor from being sent more patients than they asked for; a doctor who takes a
        # patient in themselves has decided (their app has nowhere to confirm, and needs none).
        own_doctor = actor.doctor is not None and actor.doctor.id == visit.doctor_id
        _refuse_busy_doctor(session, visit, confirm=confirm or own_doctor)

    visit.status = target
    visit.version += 1
    appointment_before = visit.appointment.status if visit.appointment is not None else None
    appointment_changed = _apply_effects(
        visit, target, notes=notes, prescription=prescription, room=room, cancel_appointment=cancel_appointment
    )
    changed_at = utcnow()
    _audit(session, visit, current, actor, changed_at)
    if appointment_changed and visit.appointment is not None and appointment_before is not None:
        appointment_audit.status_changed(
            session, visit.appointment, appointment_before, actor_id=actor.id, at=changed_at
        )
    session.flush()

    out = visit_out(visit, Audience.ADMIN)  # whole: the outbox shapes it for each room
    changed = VisitStatusChangedEvent(visit=out, from_status=current, to_status=target, changed_by=actor.id)
    _stage(session, ev.VISIT_STATUS_CHANGED, visit, changed)
    _stage(session, ev.QUEUE_UPDATED, visit, QueueUpdatedEvent(visit_id=visit.id, reason="status_changed"))
    if target == S.IN_PROGRESS:
        history = history_service.recent_visits_with_doctor(
            session, patient_id=visit.patient_id, doctor_id=visit.doctor_id, exclude_visit_id=visit.id, limit=10
        )
        body = PatientWithDoctorEvent(visit=out, patient=patient_out(visit.patient), visit_history=history)
        _stage(session, ev.PATIENT_WITH_DOCTOR, visit, body, desk=False)  # the doctor's room only
    elif target == S.COMPLETED:
        _stage(session, ev.CONSULTATION_COMPLETED, visit, VisitEvent(visit=out))
    elif target == S.CALLED:
        called = VisitCalledEvent(
            visit_id=visit.id, queue_number=visit.queue_number, doctor_id=visit.doctor_id, room=visit.room
        )
        _stage(session, ev.VISIT_CALLED, visit, called)
    if appointment_changed and visit.appointment is not None:
        name = ev.APPOINTMENT_CANCELLED if target == S.CANCELLED else ev.APPOINTMENT_UPDATED
        _stage(session, name, visit, AppointmentEvent(appointment=appointment_out(visit.appointment)))
    session.commit()  # the outbox numbers the rooms told and releases the events after the commit
    return _answer(visit, actor)


# The clinic's limit and the doctor's other patients in consultation, in one round trip, built once (issue 11).
_ACTIVE_NOW = (
    select(func.count())
    .select_from(Visit)
    .where(Visit.doctor_id == bindparam("doctor_id"), Visit.status == S.IN_PROGRESS, Visit.id != bindparam("visit_id"))
    .scalar_subquery()
)
_LIMIT_AND_ACTIVE = select(Clinic.max_active_per_doctor, _ACTIVE_NOW).where(Clinic.id == bindparam("clinic_id"))


def _refuse_busy_doctor(session: Session, visit: Visit, *, confirm: bool) -> None:
    """A send beyond the clinic's `max_active_per_doctor` must be confirmed. Sends to one doctor are serialised
    (an advisory lock) so two at once cannot both pass the count."""
    lock_doctor_sends(session, visit.doctor_id)
    if confirm:
        return
    values = {"doctor_id": visit.doctor_id, "visit_id": visit.id, "clinic_id": visit.clinic_id}
    row = session.execute(_LIMIT_AND_ACTIVE, values).one()
    limit, active = row[0] or 1, row[1] or 0
    if active >= limit:
        patients = "patient" if active == 1 else "patients"
        raise Conflict(
            f"{visit.doctor.full_name} already has {active} {patients} in consultation; confirm to send another",
            code="doctor_busy",
            doctor_id=visit.doctor_id,
            active=active,
            limit=limit,
        )


# --- check-in ------------------------------------------------------------------------------------------------


def _walk_in_parties(session: Session, actor: User, data: CheckInRequest) -> tuple[int, int, int, int]:
    # The patient row is locked (FOR NO KEY UPDATE) so two walk-ins of one patient are serialised and the
    # duplicate check below cannot pass twice; inserts that merely reference the patient are not blocked.
    assert data.patient_id is not None  # CheckInRequest guarantees a whole walk-in
    patient = resolve(session, actor, Patient, data.patient_id, field="patient_id", lock=True, key_share=True)
    doctor = session.get(Doctor, data.doctor_id)
    if doctor is None or doctor.clinic_id != patient.clinic_id:
        raise NotFound("doctor not found", field="doctor_id")
    if not doctor.is_active:
        raise Conflict("this doctor is inactive", field="doctor_id")
    service = session.get(Service, data.service_id)
    if service is None or service.clinic_id != patient.clinic_id:
        raise NotFound("service not found", field="service_id")
    if not service.is_active:
        raise Conflict("this service is inactive", field="service_id")
    _refuse_duplicate_walk_in(session, patient_id=patient.id, doctor_id=doctor.id)
    return patient.clinic_id, patient.id, doctor.id, service.id


def check_in(session: Session, *, actor: User, data: CheckInRequest) -> VisitOut:
    """A WAITING visit with the next queue number of the clinic's local day (from an appointment or a walk-in)."""
    appointment: Appointment | None = None
    if data.appointment_id is not None:
        appointment = resolve(session, actor, Appointment, data.appointment_id, field="appointment_id", lock=True)
        if appointment.status != AppointmentStatus.CONFIRMED:
            what = "already checked in" if appointment.status == AppointmentStatus.CHECKED_IN else "not confirmed"
            raise Conflict(f"this appointment is {what}", current_status=appointment.status.value)
        parties = (appointment.clinic_id, appointment.patient_id, appointment.doctor_id, appointment.service_id)
    else:
        parties = _walk_in_parties(session, actor, data)
    clinic_id, patient_id, doctor_id, service_id = parties

    # Concurrent check-ins of a clinic are serialised from here to their commit, so max()+1 is safe.
    lock_queue_numbers(session, clinic_id)
    clinic = session.get(Clinic, clinic_id)
    assert clinic is not None
    now = utcnow()
    day = local_today(clinic.timezone, now)
    last = session.scalar(
        select(func.max(Visit.queue_number)).where(Visit.clinic_id == clinic_id, Visit.queue_date == day)
    )
    visit = Visit(
        clinic_id=clinic_id,
        patient_id=patient_id,
        doctor_id=doctor_id,
        service_id=service_id,
        appointment_id=appointment.id if appointment else None,
        queue_date=day,
        queue_number=(last or 0) + 1,
        status=S.WAITING,
        check_in_time=now,
        checkin_note=data.notes,  # the desk's note, not the clinical notes (which the desk does not see)
        priority=data.priority,
    )
    session.add(visit)
    if appointment is not None:
        appointment.status = AppointmentStatus.CHECKED_IN
        appointment_audit.status_changed(session, appointment, AppointmentStatus.CONFIRMED, actor_id=actor.id, at=now)
    session.flush()
    _audit(session, visit, None, actor, now)
    if data.priority != Priority.NORMAL:  # triage at the desk is on the visit's audit trail too
        session.add(
            VisitPriorityChange(
                visit_id=visit.id, from_priority=None, to_priority=data.priority, changed_by=actor.id, changed_at=now
            )
        )
    session.flush()

    _stage(session, ev.NEW_CHECKIN, visit, VisitEvent(visit=visit_out(visit, Audience.ADMIN)))
    _stage(session, ev.QUEUE_UPDATED, visit, QueueUpdatedEvent(visit_id=visit.id, reason="checkin"))
    if appointment is not None:
        _stage(session, ev.APPOINTMENT_UPDATED, visit, AppointmentEvent(appointment=appointment_out(appointment)))
    session.commit()
    return _answer(visit, actor)


def _refuse_duplicate_walk_in(session: Session, *, patient_id: int, doctor_id: int) -> None:
    """A double click must not queue the same patient twice for the same doctor."""
    active = session.scalar(
        select(Visit.id).where(
            Visit.patient_id == patient_id, Visit.doctor_id == doctor_id, Visit.status.in_(ACTIVE_STATUSES)
        )
    )
    if active is not None:
        raise Conflict("this patient is already in this doctor's queue", visit_id=active, field="patient_id")
