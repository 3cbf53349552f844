"""Appointments: booking rules (service duration, double-booking, DoctorSchedule in clinic time), update,
cancel, filters, scoping, events, and concurrent bookings of one slot."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, Role
from common.schemas import AppointmentCreate
from server.core.errors import Conflict
from server.models import Appointment, DoctorSchedule, User
from server.services import appointments as appointment_service
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user
from tests.support.events import names, recorded_events, rooms

MONDAY_9 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # 2030-01-07 is a Monday


def _world(db, *, timezone: str = "UTC", all_hours: bool = True):
    clinic = make_clinic(db, timezone=timezone)
    return {
        "clinic": clinic,
        "rec": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(db, clinic, all_hours=all_hours),
        "patient": make_patient(db, clinic),
        "service": make_service(db, clinic, duration_minutes=45),
    }


def _book(client, w, start: datetime, **extra):
    body = {
        "patient_id": w["patient"].id,
        "doctor_id": w["doctor"].id,
        "service_id": w["service"].id,
        "start_time": start.isoformat(),
        **extra,
    }
    return client.post("/appointments", json=body, headers=auth(w["rec"]))


def test_create_computes_end_and_emits(client, db):
    w = _world(db)
    with recorded_events() as events:
        r = _book(client, w, MONDAY_9, notes="first visit")
    assert r.status_code == 201, r.text
    appt = r.json()
    assert appt["end_time"] == (MONDAY_9 + timedelta(minutes=45)).isoformat().replace("+00:00", "Z")
    assert appt["status"] == "CONFIRMED" and appt["created_by"] == w["rec"].id
    assert appt["doctor"]["full_name"] == w["doctor"].user.full_name and appt["service"]["duration_minutes"] == 45
    # one payload per room: the desk's and the appointment's doctor's
    assert names(events) == ["appointment_created"] * 2
    assert all(e.data["appointment"]["id"] == appt["id"] for e in events)
    assert rooms(events) == {f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"}


def test_double_booking_is_409_naming_the_clash(client, db):
    w = _world(db)
    first = _book(client, w, MONDAY_9).json()
    other_patient = make_patient(db, w["clinic"])
    for start in (MONDAY_9, MONDAY_9 + timedelta(minutes=30), MONDAY_9 - timedelta(minutes=30)):
        with recorded_events() as events:
            r = _book(client, w, start, patient_id=other_patient.id)
        assert r.status_code == 409, (start, r.text)
        assert r.json()["appointment_id"] == first["id"] and f"#{first['id']}" in r.json()["detail"]
        assert events == []
    # back to back is fine, and a cancelled appointment frees its slot
    assert _book(client, w, MONDAY_9 + timedelta(minutes=45)).status_code == 201
    assert client.post(f"/appointments/{first['id']}/cancel", headers=auth(w["rec"])).status_code == 200
    assert _book(client, w, MONDAY_9 + timedelta(minutes=-30), patient_id=other_patient.id).status_code == 201
    # another doctor at the same time is fine
    w2 = {**w, "doctor": make_doctor(db, w["clinic"])}
    assert _book(client, w2, MONDAY_9).status_code == 201


def test_schedule_is_checked_in_clinic_local_time(client, db):
    w = _world(db, timezone="Asia/Tokyo", all_hours=False)  # UTC+9, no DST
    db.add_all(DoctorSchedule(doctor_id=w["doctor"].id, day_of_week=0, hour=h, is_available=True) for h in range(9, 17))
    db.add(DoctorSchedule(doctor_id=w["doctor"].id, day_of_week=0, hour=17, is_available=False))
    db.flush()
    tokyo_9 = datetime(2030, 1, 7, 0, 0, tzinfo=UTC)  # Monday 09:00 in Tokyo
    assert _book(client, w, tokyo_9).status_code == 201
    r = _book(client, w, MONDAY_9)  # 18:00 in Tokyo
    assert r.status_code == 409 and r.json()["reason"] == "outside_schedule" and r.json()["hour"] == 18
    r = _book(client, w, tokyo_9 + timedelta(hours=7, minutes=45))  # 16:45–17:30: the 17:00 hour is unavailable
    assert r.status_code == 409 and r.json()["hour"] == 17
    r = _book(client, w, tokyo_9 - timedelta(hours=1))  # 08:00
    assert r.status_code == 409 and r.json()["day_of_week"] == 0


def test_local_hours_across_dst():
    # 2030-03-31 is the day Europe/Berlin springs forward: 02:00 local does not exist.
    start = datetime(2030, 3, 31, 0, 30, tzinfo=UTC)  # 01:30 local (UTC+1)
    slots = appointment_service.local_hours(start, start + timedelta(hours=2), "Europe/Berlin")
    assert slots == [(6, 1), (6, 3), (6, 4)]


def test_naive_time_and_foreign_ids(client, db):
    w = _world(db)
    r = _book(client, w, MONDAY_9.replace(tzinfo=None))
    assert r.status_code == 422 and r.json()["field"] == "start_time"
    other = make_clinic(db)
    r = _book(client, w, MONDAY_9, doctor_id=make_doctor(db, other).id)
    assert r.status_code == 404
    r = _book(client, w, MONDAY_9, patient_id=make_patient(db, other).id)
    assert r.status_code == 404
    r = _book(client, w, MONDAY_9, service_id=make_service(db, other).id)
    assert r.status_code == 404


def test_update_rechecks_and_recomputes(client, db):
    w = _world(db)
    a = _book(client, w, MONDAY_9).json()
    b = _book(client, w, MONDAY_9 + timedelta(hours=2)).json()
    rec = auth(w["rec"])
    r = client.patch(f"/appointments/{b['id']}", json={"start_time": MONDAY_9.isoformat()}, headers=rec)
    assert r.status_code == 409 and r.json()["appointment_id"] == a["id"]
    short = make_service(db, w["clinic"], duration_minutes=15)
    with recorded_events() as events:
        r = client.patch(
            f"/appointments/{b['id']}",
            json={"start_time": (MONDAY_9 + timedelta(hours=1)).isoformat(), "service_id": short.id},
            headers=rec,
        )
    assert r.status_code == 200, r.text
    assert r.json()["end_time"].startswith("2030-01-07T10:15:00")
    assert names(events, f"clinic_{w['clinic'].id}") == ["appointment_updated"]
    # moving to another doctor tells both doctors
    new_doctor = make_doctor(db, w["clinic"])
    with recorded_events() as events:
        r = client.patch(f"/appointments/{b['id']}", json={"doctor_id": new_doctor.id}, headers=rec)
    assert r.json()["doctor"]["id"] == new_doctor.id
    assert rooms(events) == {f"clinic_{w['clinic'].id}", f"doctor_{new_doctor.id}", f"doctor_{w['doctor'].id}"}
    # status: only NO_SHOW; then the appointment is frozen (notes still editable)
    r = client.patch(f"/appointments/{a['id']}", json={"status": "COMPLETED"}, headers=rec)
    assert r.status_code == 422
    r = client.patch(f"/appointments/{a['id']}", json={"status": "NO_SHOW"}, headers=rec)
    assert r.status_code == 409 and r.json()["code"] == "not_started"  # a 2030 appointment has not begun
    db.get(Appointment, a["id"]).start_time = datetime.now(UTC) - timedelta(minutes=1)
    db.flush()
    r = client.patch(f"/appointments/{a['id']}", json={"status": "NO_SHOW"}, headers=rec)
    assert r.json()["status"] == "NO_SHOW"
    r = client.patch(f"/appointments/{a['id']}", json={"start_time": MONDAY_9.isoformat()}, headers=rec)
    assert r.status_code == 409 and r.json()["current_status"] == "NO_SHOW"
    assert client.patch(f"/appointments/{a['id']}", json={"notes": "called twice"}, headers=rec).status_code == 200


def test_cancel(client, db):
    w = _world(db)
    a = _book(client, w, MONDAY_9).json()
    with recorded_events() as events:
        r = client.post(f"/appointments/{a['id']}/cancel", json={"reason": "patient ill"}, headers=auth(w["rec"]))
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED" and r.json()["cancel_reason"] == "patient ill"
    assert names(events, f"clinic_{w['clinic'].id}") == ["appointment_cancelled"]
    r = client.post(f"/appointments/{a['id']}/cancel", headers=auth(w["rec"]))
    assert r.status_code == 409 and r.json()["current_status"] == "CANCELLED"


def test_list_filters_and_scope(client, db):
    w = _world(db, timezone="America/New_York")  # UTC-5 in January
    rec = auth(w["rec"])
    other_doctor = make_doctor(db, w["clinic"])
    # 2030-01-08 02:00 UTC is still Jan 7 in New York
    late_monday = _book(client, w, datetime(2030, 1, 8, 2, 0, tzinfo=UTC)).json()
    tuesday = _book(client, {**w, "doctor": other_doctor}, datetime(2030, 1, 8, 15, 0, tzinfo=UTC)).json()
    cancelled = _book(client, w, datetime(2030, 1, 8, 16, 0, tzinfo=UTC)).json()
    client.post(f"/appointments/{cancelled['id']}/cancel", headers=rec)

    def ids(**params) -> list[int]:
        r = client.get("/appointments", params=params, headers=rec)
        assert r.status_code == 200, r.text
        return [a["id"] for a in r.json()["items"]]

    assert ids(start_date="2030-01-07", end_date="2030-01-07") == [late_monday["id"]]
    assert ids(start_date="2030-01-08") == [tuesday["id"], cancelled["id"]]
    assert ids(doctor_id=other_doctor.id) == [tuesday["id"]]
    assert ids(status="CANCELLED") == [cancelled["id"]]
    assert ids(status=["CONFIRMED", "CANCELLED"], start_date="2030-01-08") == [tuesday["id"], cancelled["id"]]
    page = client.get("/appointments", params={"per_page": 1, "page": 2}, headers=rec).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    # a doctor sees only their own
    mine = client.get("/appointments", headers=auth(other_doctor.user)).json()
    assert [a["id"] for a in mine["items"]] == [tuesday["id"]]
    # another clinic's receptionist sees none of it
    stranger = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    assert client.get("/appointments", headers=auth(stranger)).json()["total"] == 0
    assert client.get(f"/appointments/{tuesday['id']}", headers=auth(stranger)).status_code == 404
    assert client.post(f"/appointments/{tuesday['id']}/cancel", headers=auth(stranger)).status_code == 404


def test_concurrent_bookings_of_one_slot(engine, committed_db):
    """Ten sessions book the same doctor at overlapping times at once: exactly one succeeds."""
    w = _world(committed_db)
    patients = [make_patient(committed_db, w["clinic"]) for _ in range(10)]
    committed_db.commit()
    rec_id, doctor_id, service_id = w["rec"].id, w["doctor"].id, w["service"].id

    def book(i: int) -> str:
        with Session(engine, expire_on_commit=False) as session:
            actor = session.get(User, rec_id)
            data = AppointmentCreate(
                patient_id=patients[i].id,
                doctor_id=doctor_id,
                service_id=service_id,
                start_time=MONDAY_9 + timedelta(minutes=i),
            )
            try:
                appointment_service.create_appointment(session, actor=actor, data=data)
                return "ok"
            except Conflict:
                return "conflict"

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(book, range(10)))
    assert sorted(results) == ["conflict"] * 9 + ["ok"]
    count = committed_db.scalar(select(func.count()).select_from(Appointment).where(Appointment.doctor_id == doctor_id))
    assert count == 1
    assert (
        committed_db.get(
            Appointment, committed_db.scalar(select(Appointment.id).where(Appointment.doctor_id == doctor_id))
        ).status
        == AppointmentStatus.CONFIRMED
    )
