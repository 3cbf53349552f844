"""Check-in (appointment or walk-in, queue numbers per clinic-local day) and the reception board."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from common.enums import AppointmentStatus, Role, VisitStatus
from server.models import Appointment, Visit, VisitStatusChange
from server.services.clinic_time import local_today
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit
from tests.support.events import names, recorded_events, rooms

S = VisitStatus


def _world(db, timezone: str = "UTC"):
    clinic = make_clinic(db, timezone=timezone)
    return {
        "clinic": clinic,
        "rec": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(db, clinic),
        "patient": make_patient(db, clinic),
        "service": make_service(db, clinic),
    }


def _appointment(db, w, status=AppointmentStatus.CONFIRMED) -> Appointment:
    now = datetime.now(UTC)
    appt = Appointment(
        clinic_id=w["clinic"].id,
        patient_id=w["patient"].id,
        doctor_id=w["doctor"].id,
        service_id=w["service"].id,
        start_time=now,
        end_time=now + timedelta(minutes=30),
        status=status,
    )
    db.add(appt)
    db.flush()
    return appt


def _walk_in(w, patient=None) -> dict:
    return {"patient_id": (patient or w["patient"]).id, "doctor_id": w["doctor"].id, "service_id": w["service"].id}


def test_check_in_from_appointment(client, db):
    w = _world(db)
    appt = _appointment(db, w)
    with recorded_events() as events:
        r = client.post("/queue/checkin", json={"appointment_id": appt.id}, headers=auth(w["rec"]))
    assert r.status_code == 201, r.text
    visit = r.json()
    assert visit["status"] == "WAITING" and visit["phase"] == "waiting" and visit["queue_number"] == 1
    assert visit["appointment_id"] == appt.id and visit["patient"]["id"] == w["patient"].id
    db.expire_all()
    assert db.get(Appointment, appt.id).status == AppointmentStatus.CHECKED_IN
    trail = db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit["id"])).all()
    assert [(t.from_status, t.to_status, t.changed_by) for t in trail] == [(None, S.WAITING, w["rec"].id)]
    desk, doctor = f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"
    assert names(events, desk) == names(events, doctor) == ["new_checkin", "queue_updated", "appointment_updated"]
    assert rooms(events) == {desk, doctor}
    for room in (desk, doctor):  # one change, one seq per room
        assert len({e.seq for e in events if e.room == room}) == 1
    assert events[0].data["visit"]["id"] == visit["id"]
    assert next(e for e in events if e.name == "queue_updated").data == {"visit_id": visit["id"], "reason": "checkin"}
    with recorded_events() as events:
        again = client.post("/queue/checkin", json={"appointment_id": appt.id}, headers=auth(w["rec"]))
    assert again.status_code == 409 and "already checked in" in again.json()["detail"] and events == []


def test_check_in_refusals(client, db):
    w = _world(db)
    rec = auth(w["rec"])
    cancelled = _appointment(db, w, AppointmentStatus.CANCELLED)
    r = client.post("/queue/checkin", json={"appointment_id": cancelled.id}, headers=rec)
    assert r.status_code == 409 and r.json()["current_status"] == "CANCELLED"
    assert client.post("/queue/checkin", json={"appointment_id": 987654321}, headers=rec).status_code == 404
    r = client.post("/queue/checkin", json={"patient_id": w["patient"].id}, headers=rec)
    assert r.status_code == 422  # a walk-in needs patient, doctor and service
    # another clinic's ids are not found
    other = _world(db)
    r = client.post("/queue/checkin", json=_walk_in(other), headers=rec)
    assert r.status_code == 404
    r = client.post("/queue/checkin", json={**_walk_in(w), "doctor_id": other["doctor"].id}, headers=rec)
    assert r.status_code == 404
    # doctors do not check patients in
    r = client.post("/queue/checkin", json=_walk_in(w), headers=auth(w["doctor"].user))
    assert r.status_code == 403
    # the same patient cannot be queued twice for the same doctor
    assert client.post("/queue/checkin", json=_walk_in(w), headers=rec).status_code == 201
    r = client.post("/queue/checkin", json=_walk_in(w), headers=rec)
    assert r.status_code == 409 and "visit_id" in r.json()
    assert db.scalars(select(Visit).where(Visit.patient_id == w["patient"].id)).all().__len__() == 1


def test_queue_numbers_follow_the_clinic_local_day(client, db):
    # UTC+14: the local date is usually not the UTC date, so this catches a "today" taken in UTC.
    w = _world(db, timezone="Pacific/Kiritimati")
    today = local_today("Pacific/Kiritimati")
    yesterday = today - timedelta(days=1)
    old = make_patient(db, w["clinic"])
    make_visit(db, patient=old, doctor=w["doctor"], service=w["service"], queue_date=yesterday, queue_number=9)
    rec = auth(w["rec"])
    first = client.post("/queue/checkin", json=_walk_in(w), headers=rec).json()
    assert first["queue_date"] == today.isoformat() and first["queue_number"] == 1
    second = client.post("/queue/checkin", json=_walk_in(w, make_patient(db, w["clinic"])), headers=rec).json()
    assert second["queue_number"] == 2
    # numbers are per clinic: another clinic starts at 1 too
    other = _world(db)
    r = client.post("/queue/checkin", json=_walk_in(other), headers=auth(other["rec"]))
    assert r.json()["queue_number"] == 1


def test_board_groups_waits_and_overdue(client, db):
    w = _world(db)
    now = datetime.now(UTC)

    def visit(status, checked_in_ago, started_ago=None, **kw):
        return make_visit(
            db,
            patient=make_patient(db, w["clinic"]),
            doctor=kw.pop("doctor", w["doctor"]),
            service=w["service"],
            status=status,
            check_in_time=now - timedelta(minutes=checked_in_ago),
            start_time=now - timedelta(minutes=started_ago) if started_ago is not None else None,
            queue_date=kw.pop("queue_date", now.date()),
            **kw,
        )

    overdue = visit(S.WAITING, 30)
    fresh = visit(S.CALLED, 5)
    busy = visit(S.IN_PROGRESS, 50, 45)
    slow = visit(S.IN_PROGRESS, 60, 35)
    done = visit(S.COMPLETED, 120, 90, end_time=now - timedelta(minutes=60))
    visit(S.CANCELLED, 10)
    other_doctor = make_doctor(db, w["clinic"])
    theirs = visit(S.WAITING, 1, doctor=other_doctor)
    visit(S.COMPLETED, 3, 2, queue_date=now.date() - timedelta(days=1))  # yesterday's board (a done visit)

    r = client.get("/queue", headers=auth(w["rec"]))
    assert r.status_code == 200, r.text
    board = r.json()
    assert board["clinic_id"] == w["clinic"].id and board["overdue_wait_minutes"] == 20
    waiting = {e["id"]: e for e in board["waiting"]}
    assert set(waiting) == {overdue.id, fresh.id, theirs.id}
    assert waiting[overdue.id]["wait_minutes"] in (30, 31) and waiting[overdue.id]["is_overdue"] is True
    assert waiting[fresh.id]["wait_minutes"] in (5, 6) and waiting[fresh.id]["is_overdue"] is False
    with_doctor = {e["id"]: e for e in board["with_doctor"]}
    assert with_doctor[busy.id]["wait_minutes"] == 5 and with_doctor[busy.id]["is_overdue"] is False
    assert with_doctor[slow.id]["wait_minutes"] == 25 and with_doctor[slow.id]["is_overdue"] is True
    assert [e["id"] for e in board["completed"]] == [done.id]
    assert board["completed"][0]["wait_minutes"] == 30
    numbers = [e["queue_number"] for e in board["waiting"]]
    assert numbers == sorted(numbers)

    mine = client.get("/queue", params={"doctor_id": other_doctor.id}, headers=auth(w["rec"])).json()
    assert [e["id"] for e in mine["waiting"]] == [theirs.id] and mine["with_doctor"] == []
    yesterday = (now.date() - timedelta(days=1)).isoformat()
    past = client.get("/queue", params={"date": yesterday}, headers=auth(w["rec"])).json()
    assert len(past["completed"]) == 1 and past["waiting"] == [] and past["date"] == yesterday


def test_board_scope(client, db):
    w = _world(db)
    make_visit(db, patient=w["patient"], doctor=w["doctor"], service=w["service"])
    other_doctor = make_doctor(db, w["clinic"])
    make_visit(db, patient=make_patient(db, w["clinic"]), doctor=other_doctor, service=w["service"])
    other = _world(db)
    assert client.get("/queue", params={"clinic_id": other["clinic"].id}, headers=auth(w["rec"])).status_code == 404
    admin = make_user(db, role=Role.ADMIN)
    assert client.get("/queue", headers=auth(admin)).status_code == 422
    board = client.get("/queue", params={"clinic_id": w["clinic"].id}, headers=auth(admin)).json()
    assert len(board["waiting"]) == 2
    # a doctor sees only their own queue
    doc = client.get("/queue", headers=auth(w["doctor"].user)).json()
    assert [e["doctor_id"] for e in doc["waiting"]] == [w["doctor"].id]
    r = client.get("/queue", params={"doctor_id": other_doctor.id}, headers=auth(w["doctor"].user))
    assert r.status_code == 403


def test_admin_acts_on_any_clinic(client, db):
    w = _world(db)
    admin = make_user(db, role=Role.ADMIN)
    r = client.post("/queue/checkin", json=_walk_in(w), headers=auth(admin))
    assert r.status_code == 201 and r.json()["clinic_id"] == w["clinic"].id
    moved = client.post(
        "/queue/phase/move", json={"visit_id": r.json()["id"], "new_status": "CALLED"}, headers=auth(admin)
    )
    assert moved.status_code == 200 and moved.json()["status"] == "CALLED"
    appt = _appointment(db, w)
    r = client.post("/queue/checkin", json={"appointment_id": appt.id}, headers=auth(admin))
    assert r.status_code == 201
