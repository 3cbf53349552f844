"""POST /queue/complete-consultation and /queue/complete: own IN_PROGRESS visit only, one transaction, events."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from common import events as ev
from common.enums import AppointmentStatus, Role, VisitStatus
from server.models import Appointment, Clinic, Doctor, Visit, VisitStatusChange
from server.realtime.bus import StagedEvent, bus
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit


@pytest.fixture
def recorded(client):
    """Events the bus releases after commit (the in-process app's lifespan runs the bus)."""
    got: list[StagedEvent] = []

    async def sink(item: StagedEvent) -> None:
        got.append(item)

    bus.add_sink(sink)
    yield got
    bus.remove_sink(sink)


def _wait_for(events: list[StagedEvent], names: set[str], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while {e.name for e in events} < names:
        assert time.monotonic() < deadline, f"missing events: {names - {e.name for e in events}}"
        time.sleep(0.02)


@pytest.fixture
def setup(db):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    start = datetime.now(UTC) - timedelta(minutes=20)
    appt = Appointment(
        clinic_id=clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=AppointmentStatus.CHECKED_IN,
    )
    db.add(appt)
    db.flush()
    visit = make_visit(
        db, patient=patient, doctor=doctor, service=service, status=VisitStatus.IN_PROGRESS, appointment_id=appt.id
    )
    return clinic, doctor, visit, appt


def test_complete_consultation_saves_everything_and_emits(client, db, setup, recorded):
    clinic, doctor, visit, appt = setup
    seq_before = clinic.event_seq
    body = {"visit_id": visit.id, "notes": "Mild flu", "prescription": "Rest, fluids"}
    r = client.post("/queue/complete-consultation", json=body, headers=auth(doctor.user))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "COMPLETED" and out["phase"] == "completed"
    assert out["notes"] == "Mild flu" and out["prescription"] == "Rest, fluids" and out["end_time"]

    db.expire_all()
    assert db.get(Visit, visit.id).status == VisitStatus.COMPLETED
    assert db.get(Appointment, appt.id).status == AppointmentStatus.COMPLETED
    audit = db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit.id)).all()
    assert [(a.from_status, a.to_status, a.changed_by) for a in audit] == [
        (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED, doctor.user_id)
    ]
    seq = db.get(Clinic, clinic.id).event_seq
    assert seq == seq_before + 1
    doctor_seq = db.get(Doctor, doctor.id).event_seq

    names = {ev.CONSULTATION_COMPLETED, ev.VISIT_STATUS_CHANGED, ev.QUEUE_UPDATED}
    _wait_for(recorded, names)
    seqs = {f"clinic_{clinic.id}": seq, f"doctor_{doctor.id}": doctor_seq}  # each room its own seq
    for item in recorded:
        if item.name in names:
            assert item.seq == seqs[item.room] and item.clinic_id == clinic.id
    assert {(e.name, e.room) for e in recorded if e.name in names} == {(n, r) for n in names for r in seqs}
    completed = {e.room: e.data["visit"] for e in recorded if e.name == ev.CONSULTATION_COMPLETED}
    mine, desk = completed[f"doctor_{doctor.id}"], completed[f"clinic_{clinic.id}"]
    assert mine["id"] == visit.id and mine["notes"] == "Mild flu"
    assert desk["status"] == "COMPLETED" and "notes" not in desk  # clinical: never the desk's


def test_second_completion_is_409_and_changes_nothing(client, db, setup):
    _, doctor, visit, _ = setup
    headers = auth(doctor.user)
    first = client.post("/queue/complete-consultation", json={"visit_id": visit.id, "notes": "first"}, headers=headers)
    assert first.status_code == 200
    second = client.post(
        "/queue/complete-consultation", json={"visit_id": visit.id, "notes": "second"}, headers=headers
    )
    assert second.status_code == 409
    assert second.json()["current_status"] == "COMPLETED"
    db.expire_all()
    assert db.get(Visit, visit.id).notes == "first"
    assert len(db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit.id)).all()) == 1
    again = client.post("/queue/complete", json={"visit_id": visit.id}, headers=headers)
    assert again.status_code == 409


@pytest.mark.parametrize("status", [VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.CANCELLED])
def test_only_from_in_progress(client, db, status):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    visit = make_visit(
        db, patient=make_patient(db, clinic), doctor=doctor, service=make_service(db, clinic), status=status
    )
    r = client.post("/queue/complete-consultation", json={"visit_id": visit.id}, headers=auth(doctor.user))
    assert r.status_code == 409
    assert r.json()["current_status"] == status.value
    db.expire_all()
    assert db.get(Visit, visit.id).status == status


def test_complete_keeps_notes_when_not_given(client, db, setup):
    _, doctor, visit, _ = setup
    visit.notes, visit.prescription = "from reception", "old"
    db.flush()
    r = client.post("/queue/complete", json={"visit_id": visit.id}, headers=auth(doctor.user))
    assert r.status_code == 200, r.text
    assert r.json()["notes"] == "from reception" and r.json()["prescription"] == "old"


def test_receptionist_403_even_for_unknown_or_foreign_visit(client, db):
    reception = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    r = client.post("/queue/complete-consultation", json={"visit_id": 10**9}, headers=auth(reception))
    assert r.status_code == 403
    assert r.json()["detail"] == "only the doctor can complete a consultation"


def test_validation_errors_are_422(client, db, setup):
    _, doctor, _, _ = setup
    r = client.post("/queue/complete-consultation", json={"notes": "x"}, headers=auth(doctor.user))
    assert r.status_code == 422
