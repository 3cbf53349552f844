"""The whole hand-off over the real server and real sockets: reception checks in and moves the patient to the
doctor → the doctor's socket gets patient_with_doctor → the doctor completes over HTTP → the reception socket gets
consultation_completed and queue_updated, and the appointment is COMPLETED."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from common import events as ev
from common.enums import AppointmentStatus, Role, VisitStatus
from server.models import Appointment, Visit, VisitStatusChange
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit, token_for
from tests.support.events import SocketRecorder


@pytest.fixture
def world(committed_db):
    db = committed_db
    clinic = make_clinic(db, timezone="Pacific/Kiritimati")
    doctor, other = make_doctor(db, clinic), make_doctor(db, clinic)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=10)
    appt = Appointment(
        clinic_id=clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
    )
    db.add(appt)
    earlier = datetime.now(UTC) - timedelta(days=40)
    past = make_visit(
        db,
        patient=patient,
        doctor=doctor,
        service=service,
        status=VisitStatus.COMPLETED,
        check_in_time=earlier,
        queue_number=1,
        prescription="earlier rx",
    )
    make_visit(  # the same patient with another doctor: never in this doctor's history
        db,
        patient=patient,
        doctor=other,
        service=service,
        status=VisitStatus.COMPLETED,
        check_in_time=earlier + timedelta(days=1),
        queue_number=1,
    )
    reception = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    db.commit()
    return {"clinic": clinic, "doctor": doctor, "other": other, "appt": appt, "reception": reception, "past": past}


@pytest.mark.asyncio
async def test_reception_to_doctor_and_back(live_server, committed_db, world):
    doctor, reception, appt = world["doctor"], world["reception"], world["appt"]
    desk = await SocketRecorder(live_server.url, token_for(reception)).connect()
    room = await SocketRecorder(live_server.url, token_for(doctor.user)).connect()
    other_room = await SocketRecorder(live_server.url, token_for(world["other"].user)).connect()
    try:
        async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
            r = await http.post("/queue/checkin", json={"appointment_id": appt.id}, headers=auth(reception))
            assert r.status_code == 201, r.text
            visit_id = r.json()["id"]
            r = await http.post(
                "/queue/phase/move", json={"visit_id": visit_id, "phase": "with_doctor"}, headers=auth(reception)
            )
            assert r.status_code == 200, r.text

            [handoff] = await room.wait_for(ev.PATIENT_WITH_DOCTOR, lambda d: d["visit"]["id"] == visit_id)
            assert handoff["visit"]["status"] == "IN_PROGRESS"
            assert handoff["patient"]["id"] == appt.patient_id
            assert [h["id"] for h in handoff["visit_history"]] == [world["past"].id]

            # a receptionist cannot finish it; the doctor can, once
            denied = await http.post(
                "/queue/complete-consultation", json={"visit_id": visit_id}, headers=auth(reception)
            )
            assert denied.status_code == 403
            body = {"visit_id": visit_id, "notes": "BP normal", "prescription": "Vitamin D"}
            done = await http.post("/queue/complete-consultation", json=body, headers=auth(doctor.user))
            assert done.status_code == 200, done.text
            again = await http.post("/queue/complete-consultation", json=body, headers=auth(doctor.user))
            assert again.status_code == 409 and again.json()["current_status"] == "COMPLETED"

        [completed] = await desk.wait_for(ev.CONSULTATION_COMPLETED, lambda d: d["visit"]["id"] == visit_id)
        assert completed["visit"]["status"] == "COMPLETED"
        assert (
            "prescription" not in completed["visit"] and "notes" not in completed["visit"]
        )  # clinical: not the desk's
        await desk.wait_for(ev.QUEUE_UPDATED, lambda d: d.get("visit_id") == visit_id and d["seq"] == completed["seq"])
        await desk.wait_for(ev.VISIT_STATUS_CHANGED, lambda d: d["visit"]["status"] == "COMPLETED")
        [mine] = await room.wait_for(ev.CONSULTATION_COMPLETED, lambda d: d["visit"]["id"] == visit_id)
        assert mine["visit"]["prescription"] == "Vitamin D"  # the visit's own doctor gets the whole visit
        # seq strictly increases on the reception socket, and the hand-off stayed in the doctor's room
        seqs = [data["seq"] for name, data in desk.events if name == ev.QUEUE_UPDATED]
        assert seqs == sorted(set(seqs))
        assert desk.of(ev.PATIENT_WITH_DOCTOR) == [] and other_room.of(ev.PATIENT_WITH_DOCTOR) == []

        committed_db.expire_all()
        assert committed_db.get(Appointment, appt.id).status == AppointmentStatus.COMPLETED
        visit = committed_db.scalars(select(Visit).where(Visit.id == visit_id)).one()
        assert (visit.status, visit.notes, visit.prescription) == (VisitStatus.COMPLETED, "BP normal", "Vitamin D")
        assert visit.end_time is not None
    finally:
        for sock in (desk, room, other_room):
            await sock.close()


@pytest.mark.asyncio
async def test_concurrent_completions_one_wins(live_server, committed_db, world):
    """Five simultaneous completions of the same visit: exactly one 200, the rest 409, one audit row."""
    doctor = world["doctor"]
    visit = make_visit(
        committed_db,
        patient=world["past"].patient,
        doctor=doctor,
        service=world["past"].service,
        status=VisitStatus.IN_PROGRESS,
        queue_number=2,
    )
    committed_db.commit()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    "/queue/complete-consultation",
                    json={"visit_id": visit.id, "notes": f"n{i}"},
                    headers=auth(doctor.user),
                )
                for i in range(5)
            )
        )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409]
    winner = next(r for r in responses if r.status_code == 200).json()
    committed_db.expire_all()
    assert committed_db.get(Visit, visit.id).notes == winner["notes"]
    audit = committed_db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit.id)).all()
    assert [(a.from_status, a.to_status) for a in audit] == [(VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)]
