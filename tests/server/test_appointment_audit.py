"""Appointment changes on the audit trail (issue 13): every change to an appointment is recorded with who and when,
the visit's timeline shows its appointment's changes from the booking on, GET /appointments/{id}/timeline shows
them alone, and each call on a visit's timeline keeps the room it was made to."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from common.enums import AppointmentStatus, Role
from server.models import Appointment, AppointmentChange
from server.services.no_shows import mark_overdue
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user

SLOT = (datetime.now(UTC) + timedelta(days=20)).replace(hour=10, minute=0, second=0, microsecond=0)


def _world(db):
    clinic = make_clinic(db, timezone="UTC")
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic, full_name="Rita Desk")
    doctor = make_doctor(db, clinic, full_name="Dr Who")
    other = make_doctor(db, clinic, full_name="Dr Grey")
    patient = make_patient(db, clinic)
    service = make_service(db, clinic, name="Consultation")
    return clinic, desk, doctor, other, patient, service


def _book(client, desk, doctor, patient, service, start=SLOT):
    body = {
        "patient_id": patient.id,
        "doctor_id": doctor.id,
        "service_id": service.id,
        "start_time": start.isoformat(),
    }
    r = client.post("/appointments", json=body, headers=auth(desk))
    assert r.status_code == 201, r.text
    return r.json()


def _lines(entries):
    return [(e["kind"], e["from_value"], e["to_value"], e["by_name"]) for e in entries]


def test_a_booked_appointment_lives_on_its_visits_timeline(client, db):
    _, desk, doctor, other, patient, service = _world(db)
    appt = _book(client, desk, doctor, patient, service)
    later = (SLOT + timedelta(hours=2)).isoformat()
    moved = {"start_time": later, "doctor_id": other.id}
    assert client.patch(f"/appointments/{appt['id']}", json=moved, headers=auth(desk)).status_code == 200
    assert client.patch(f"/appointments/{appt['id']}", json={"notes": "bring x-rays"}, headers=auth(desk)).is_success
    visit = client.post("/queue/checkin", json={"appointment_id": appt["id"]}, headers=auth(desk)).json()
    send = {"visit_id": visit["id"], "phase": "with_doctor"}
    assert client.post("/queue/phase/move", json=send, headers=auth(desk)).status_code == 200
    done = client.post("/queue/complete-consultation", json={"visit_id": visit["id"]}, headers=auth(other.user))
    assert done.status_code == 200, done.text

    timeline = client.get(f"/visits/{visit['id']}/timeline", headers=auth(other.user)).json()
    appointment_lines = [e for e in timeline if e["kind"] == "appointment"]
    assert _lines(appointment_lines) == [
        ("appointment", None, "BOOKED", "Rita Desk"),
        ("appointment", None, "RESCHEDULED", "Rita Desk"),
        ("appointment", None, "NOTES", "Rita Desk"),
        ("appointment", "CONFIRMED", "CHECKED_IN", "Rita Desk"),
        ("appointment", "CHECKED_IN", "COMPLETED", "Dr Grey"),
    ]
    booked, rescheduled = appointment_lines[0]["detail"], appointment_lines[1]["detail"]
    assert booked == f"{SLOT:%a %d %b %Y} 10:00, Dr Who, Consultation"
    assert rescheduled == f"{booked} → {SLOT:%a %d %b %Y} 12:00, Dr Grey, Consultation"
    # the booking comes first, the check-in before the visit's first status line (same instant)
    kinds = [e["kind"] for e in timeline]
    assert kinds.index("status") > kinds.index("appointment")
    ats = [e["at"] for e in timeline]
    assert [datetime.fromisoformat(a) for a in ats] == sorted(datetime.fromisoformat(a) for a in ats)
    # the appointment's own timeline is the same lines
    own = client.get(f"/appointments/{appt['id']}/timeline", headers=auth(desk))
    assert own.status_code == 200 and own.json() == appointment_lines


def test_notes_sent_unchanged_and_a_reschedule_to_the_same_slot_record_nothing(client, db):
    _, desk, doctor, _, patient, service = _world(db)
    appt = _book(client, desk, doctor, patient, service)
    same = {"notes": "", "start_time": SLOT.isoformat(), "doctor_id": doctor.id}
    assert client.patch(f"/appointments/{appt['id']}", json=same, headers=auth(desk)).status_code == 200
    lines = client.get(f"/appointments/{appt['id']}/timeline", headers=auth(desk)).json()
    assert [e["to_value"] for e in lines] == ["BOOKED"]


def test_cancel_and_no_shows_are_recorded_with_who_and_why(client, db):
    clinic, desk, doctor, _, patient, service = _world(db)
    cancelled = _book(client, desk, doctor, patient, service)
    r = client.post(
        f"/appointments/{cancelled['id']}/cancel", json={"reason": "patient is abroad"}, headers=auth(doctor.user)
    )
    assert r.status_code == 200, r.text
    lines = client.get(f"/appointments/{cancelled['id']}/timeline", headers=auth(desk)).json()
    assert [(e["from_value"], e["to_value"], e["by_name"], e["detail"]) for e in lines[1:]] == [
        ("CONFIRMED", "CANCELLED", "Dr Who", "patient is abroad")
    ]

    begun = [
        Appointment(
            clinic_id=clinic.id,
            patient_id=patient.id,
            doctor_id=doctor.id,
            service_id=service.id,
            start_time=datetime.now(UTC) - timedelta(hours=h),
            end_time=datetime.now(UTC) - timedelta(hours=h) + timedelta(minutes=30),
            status=AppointmentStatus.CONFIRMED,
        )
        for h in (3, 5)
    ]
    db.add_all(begun)
    db.flush()
    by_desk, by_server = begun
    assert client.post(f"/appointments/{by_desk.id}/no-show", headers=auth(desk)).status_code == 200
    assert by_server.id in mark_overdue(db)
    desk_line = client.get(f"/appointments/{by_desk.id}/timeline", headers=auth(desk)).json()[-1]
    server_line = client.get(f"/appointments/{by_server.id}/timeline", headers=auth(desk)).json()[-1]
    assert (desk_line["to_value"], desk_line["by_name"]) == ("NO_SHOW", "Rita Desk")
    assert (server_line["from_value"], server_line["to_value"], server_line["by_user_id"]) == (
        "CONFIRMED",
        "NO_SHOW",
        None,
    )
    assert f"not checked in {clinic.no_show_after_minutes} min" in server_line["detail"]
    # exactly one line per change: a second sweep finds nothing and writes nothing
    assert mark_overdue(db) == []
    rows = db.scalars(select(AppointmentChange).where(AppointmentChange.appointment_id == by_server.id)).all()
    assert [row.to_status for row in rows] == [AppointmentStatus.NO_SHOW]


def test_each_call_keeps_its_own_room(client, db):
    _, desk, doctor, _, patient, service = _world(db)
    walk_in = {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service.id}
    visit = client.post("/queue/checkin", json=walk_in, headers=auth(desk)).json()
    move = lambda phase: client.post(  # noqa: E731
        "/queue/phase/move", json={"visit_id": visit["id"], "phase": phase}, headers=auth(desk)
    )
    assert client.post("/queue/call", json={"visit_id": visit["id"], "room": "Room 1"}, headers=auth(desk)).is_success
    assert move("with_doctor").is_success and move("waiting").is_success  # sent in, then back to the queue
    assert client.post("/queue/call", json={"visit_id": visit["id"], "room": "Room 3"}, headers=auth(desk)).is_success
    timeline = client.get(f"/visits/{visit['id']}/timeline", headers=auth(desk)).json()
    assert [e["detail"] for e in timeline if e["kind"] == "call"] == ["Room 1", "Room 3"]
    assert all(e["detail"] == "" for e in timeline if e["kind"] == "status")
