"""Issue 14 on the server: a doctor cancels their own appointment with a reason; books a follow-up for
themselves; free slots from the schedule minus live bookings in the clinic's zone; earnings grouped by status."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from common.enums import AppointmentStatus, PaymentStatus, Role
from server.models import Appointment, DoctorSchedule
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_patient,
    make_payment,
    make_service,
    make_user,
    make_visit,
)
from tests.support.events import names, recorded_events, rooms

MONDAY = date(2030, 1, 7)  # a Monday


def _world(db, *, timezone: str = "UTC"):
    clinic = make_clinic(db, timezone=timezone)
    doctor = make_doctor(db, clinic, all_hours=False)
    db.add_all(DoctorSchedule(doctor_id=doctor.id, day_of_week=0, hour=h, is_available=True) for h in (9, 10, 14))
    patient, service = make_patient(db, clinic), make_service(db, clinic, duration_minutes=30)
    make_visit(db, patient=patient, doctor=doctor, service=service)  # the doctor's patient
    db.flush()
    return {
        "clinic": clinic,
        "doctor": doctor,
        "colleague": make_doctor(db, clinic),
        "desk": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "patient": patient,
        "service": service,
    }


def _appointment(db, w, start: datetime, doctor=None) -> Appointment:
    doctor = doctor or w["doctor"]
    appt = Appointment(
        clinic_id=w["clinic"].id,
        patient_id=w["patient"].id,
        doctor_id=doctor.id,
        service_id=w["service"].id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
    )
    db.add(appt)
    db.flush()
    return appt


def test_doctor_cancels_own_appointment_with_a_reason(client, db):
    w = _world(db)
    appt = _appointment(db, w, datetime(2030, 1, 7, 9, 0, tzinfo=UTC))
    with recorded_events() as events:
        r = client.post(
            f"/appointments/{appt.id}/cancel", json={"reason": "doctor ill"}, headers=auth(w["doctor"].user)
        )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "CANCELLED" and r.json()["cancel_reason"] == "doctor ill"
    db.refresh(appt)
    assert appt.cancel_reason == "doctor ill" and appt.status == AppointmentStatus.CANCELLED
    assert names(events) == ["appointment_cancelled"] * 2
    assert rooms(events) == {f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"}
    assert all(e.data["appointment"]["cancel_reason"] == "doctor ill" for e in events)


def test_another_doctor_cannot_cancel(client, db):
    w = _world(db)
    appt = _appointment(db, w, datetime(2030, 1, 7, 9, 0, tzinfo=UTC))
    r = client.post(f"/appointments/{appt.id}/cancel", json={"reason": "x"}, headers=auth(w["colleague"].user))
    assert r.status_code == 403
    stranger = make_doctor(db, make_clinic(db))
    assert client.post(f"/appointments/{appt.id}/cancel", json={}, headers=auth(stranger.user)).status_code == 404
    db.refresh(appt)
    assert appt.status == AppointmentStatus.CONFIRMED


def test_doctor_books_a_follow_up_for_themselves(client, db):
    w = _world(db)
    body = {
        "patient_id": w["patient"].id,
        "doctor_id": w["doctor"].id,
        "service_id": w["service"].id,
        "start_time": datetime(2030, 1, 7, 10, 0, tzinfo=UTC).isoformat(),
    }
    h = auth(w["doctor"].user)
    with recorded_events() as events:
        r = client.post("/appointments", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["created_by"] == w["doctor"].user_id
    assert names(events) == ["appointment_created"] * 2
    assert rooms(events) == {f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"}
    # the same rules as the desk's: double booking 409, outside the schedule 409
    assert client.post("/appointments", json=body, headers=h).json()["reason"] == "double_booking"
    late = {**body, "start_time": datetime(2030, 1, 7, 12, 0, tzinfo=UTC).isoformat()}
    assert client.post("/appointments", json=late, headers=h).json()["reason"] == "outside_schedule"
    # for a colleague: 403, whoever the patient is
    other = {**body, "doctor_id": w["colleague"].id}
    assert client.post("/appointments", json=other, headers=h).status_code == 403
    # a patient who never came to this doctor: 403
    stranger = make_patient(db, w["clinic"])
    assert client.post("/appointments", json={**body, "patient_id": stranger.id}, headers=h).status_code == 403


def test_free_slots_schedule_minus_bookings_in_clinic_time(client, db):
    w = _world(db, timezone="America/New_York")  # UTC-5 in January
    # booked 09:30-10:00 local; a cancelled one at 10:00 does not hold its slot
    _appointment(db, w, datetime(2030, 1, 7, 14, 30, tzinfo=UTC))
    cancelled = _appointment(db, w, datetime(2030, 1, 7, 15, 0, tzinfo=UTC))
    cancelled.status = AppointmentStatus.CANCELLED
    db.flush()
    params = {"date": MONDAY.isoformat(), "service_id": w["service"].id}
    r = client.get(f"/doctors/{w['doctor'].id}/free-slots", params=params, headers=auth(w["doctor"].user))
    assert r.status_code == 200, r.text
    body = r.json()
    local = [datetime.fromisoformat(s).astimezone(UTC) - timedelta(hours=5) for s in body["slots"]]
    assert [t.strftime("%H:%M") for t in local] == ["09:00", "10:00", "10:15", "10:30", "14:00", "14:15", "14:30"]
    assert body["timezone"] == "America/New_York" and body["duration_minutes"] == 30 and body["step_minutes"] == 15
    # the desk may ask for any doctor of the clinic; a doctor only for themselves; another clinic 404
    assert client.get(f"/doctors/{w['doctor'].id}/free-slots", params=params, headers=auth(w["desk"])).json() == body
    mine = f"/doctors/{w['doctor'].id}/free-slots"
    assert client.get(mine, params=params, headers=auth(w["colleague"].user)).status_code == 403
    outsider = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    assert client.get(mine, params=params, headers=auth(outsider)).status_code == 404
    assert client.get(mine, params={"date": "2030-13-01", "service_id": 1}, headers=auth(w["desk"])).status_code == 422


def test_free_slots_skip_the_past(client, db):
    w = _world(db)
    today = datetime.now(UTC).date()
    db.add_all(
        DoctorSchedule(doctor_id=w["doctor"].id, day_of_week=today.weekday(), hour=h, is_available=True)
        for h in range(24)
        if not (today.weekday() == 0 and h in (9, 10, 14))  # already there (the world's Monday)
    )
    db.flush()
    params = {"date": today.isoformat(), "service_id": w["service"].id}
    slots = client.get(f"/doctors/{w['doctor'].id}/free-slots", params=params, headers=auth(w["desk"])).json()["slots"]
    assert slots and all(datetime.fromisoformat(s) >= datetime.now(UTC) - timedelta(seconds=5) for s in slots)


def test_earnings_grouped_by_status(client, db):
    w = _world(db)
    me = w["doctor"]
    for status, amount in (
        (PaymentStatus.PAID, "100.00"),
        (PaymentStatus.PAID, "50.00"),
        (PaymentStatus.PENDING, "20.00"),
    ):
        visit = make_visit(db, patient=w["patient"], doctor=me, service=w["service"])
        make_payment(db, visit, amount=amount, status=status)
    r = client.get("/doctors/earnings", params={"group_by": "status"}, headers=auth(me.user))
    assert r.status_code == 200, r.text
    groups = {g["status"]: (Decimal(g["amount"]), Decimal(g["doctor_share"]), g["count"]) for g in r.json()["groups"]}
    assert groups == {
        "PAID": (Decimal("150.00"), Decimal("90.00"), 2),
        "PENDING": (Decimal("20.00"), Decimal("12.00"), 1),
    }
    by_date = client.get("/doctors/earnings", params={"group_by": "date"}, headers=auth(me.user)).json()["groups"]
    assert by_date[0]["date"] and by_date[0]["status"] is None and sum(g["count"] for g in by_date) == 3
    assert client.get("/doctors/earnings", params={"group_by": "patient"}, headers=auth(me.user)).status_code == 422
