"""No-shows: the desk marks one (POST /appointments/{id}/no-show); the server task marks appointments not checked
in `Clinic.no_show_after_minutes` after their start, safely beside check-ins and other server processes."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, Role
from server.models import Appointment
from server.services.no_shows import mark_overdue
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, token_for
from tests.support.events import SocketRecorder, recorded_events, rooms
from tests.support.server_process import ServerProcess

A = AppointmentStatus
pytestmark = pytest.mark.timeout(90)


def _world(db, **clinic_fields):
    clinic = make_clinic(db, **clinic_fields)
    return {
        "clinic": clinic,
        "rec": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(db, clinic),
        "service": make_service(db, clinic),
    }


def _appointment(db, w, *, minutes_ago: int, status: AppointmentStatus = A.CONFIRMED) -> Appointment:
    start = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    appt = Appointment(
        clinic_id=w["clinic"].id,
        patient_id=make_patient(db, w["clinic"]).id,
        doctor_id=w["doctor"].id,
        service_id=w["service"].id,
        start_time=start,
        end_time=start + timedelta(minutes=15),
        status=status,
    )
    db.add(appt)
    db.flush()
    return appt


def _status(db: Session, appt: Appointment) -> AppointmentStatus:
    db.expire_all()
    return db.get(Appointment, appt.id).status


# --- from the board ------------------------------------------------------------------------------------------


def test_the_desk_marks_a_no_show(client, db):
    w = _world(db)
    appt = _appointment(db, w, minutes_ago=5)
    with recorded_events() as events:
        r = client.post(f"/appointments/{appt.id}/no-show", headers=auth(w["rec"]))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "NO_SHOW" and _status(db, appt) == A.NO_SHOW
    assert [e.name for e in events] == ["appointment_updated", "appointment_updated"]
    assert rooms(events) == {f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"}
    assert all(e.data["appointment"]["status"] == "NO_SHOW" for e in events)
    again = client.post(f"/appointments/{appt.id}/no-show", headers=auth(w["rec"]))
    assert again.status_code == 409 and again.json()["current_status"] == "NO_SHOW"


def test_a_checked_in_appointment_is_not_a_no_show(client, db):
    w = _world(db)
    appt = _appointment(db, w, minutes_ago=5)
    assert client.post("/queue/checkin", json={"appointment_id": appt.id}, headers=auth(w["rec"])).status_code == 201
    with recorded_events() as events:
        r = client.post(f"/appointments/{appt.id}/no-show", headers=auth(w["rec"]))
    assert r.status_code == 409 and r.json()["current_status"] == "CHECKED_IN" and "checked in" in r.json()["detail"]
    assert events == []
    assert client.post(f"/appointments/{appt.id}/no-show", headers=auth(w["doctor"].user)).status_code == 403


def test_an_appointment_that_has_not_begun_is_not_a_no_show(client, db):
    """The patient of an appointment later today or next week may still come: the desk cannot mark it a no-show
    (which would free the slot), by the route or by PATCH status; once it has begun, it can."""
    w = _world(db)
    later = _appointment(db, w, minutes_ago=-60 * 24 * 7)
    with recorded_events() as events:
        r = client.post(f"/appointments/{later.id}/no-show", headers=auth(w["rec"]))
        patched = client.patch(f"/appointments/{later.id}", json={"status": "NO_SHOW"}, headers=auth(w["rec"]))
    for answer in (r, patched):
        assert answer.status_code == 409 and answer.json()["code"] == "not_started", answer.text
        assert answer.json()["current_status"] == "CONFIRMED"
    assert events == [] and _status(db, later) == A.CONFIRMED
    begun = _appointment(db, w, minutes_ago=1)
    assert client.post(f"/appointments/{begun.id}/no-show", headers=auth(w["rec"])).status_code == 200


def test_the_day_list_leaves_no_shows_out_unless_asked(client, db):
    w = _world(db)
    kept, gone = _appointment(db, w, minutes_ago=5), _appointment(db, w, minutes_ago=10, status=A.NO_SHOW)
    params = {"clinic_id": w["clinic"].id}
    listed = client.get("/appointments", params=params, headers=auth(w["rec"])).json()["items"]
    assert [a["id"] for a in listed] == [kept.id]
    asked = client.get("/appointments", params={**params, "status": "NO_SHOW"}, headers=auth(w["rec"])).json()
    assert [a["id"] for a in asked["items"]] == [gone.id]


# --- the server task ---------------------------------------------------------------------------------------------


def test_overdue_confirmed_appointments_become_no_shows(db):
    w = _world(db, no_show_after_minutes=30)
    late = _appointment(db, w, minutes_ago=31)
    early = _appointment(db, w, minutes_ago=29)
    checked_in = _appointment(db, w, minutes_ago=120, status=A.CHECKED_IN)
    cancelled = _appointment(db, w, minutes_ago=120, status=A.CANCELLED)
    patient = _world(db, no_show_after_minutes=120)  # another clinic waits longer
    waited_for = _appointment(db, patient, minutes_ago=60)
    with recorded_events() as events:
        marked = mark_overdue(db)
    assert late.id in marked
    assert not {early.id, checked_in.id, cancelled.id, waited_for.id} & set(marked)
    assert _status(db, late) == A.NO_SHOW
    assert [_status(db, a) for a in (early, checked_in, cancelled, waited_for)] == [
        A.CONFIRMED,
        A.CHECKED_IN,
        A.CANCELLED,
        A.CONFIRMED,
    ]
    mine = [e for e in events if e.data["appointment"]["id"] == late.id]
    assert {e.room for e in mine} == {f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"}
    assert {e.name for e in mine} == {"appointment_updated"} and mine[0].data["appointment"]["status"] == "NO_SHOW"
    assert late.id not in mark_overdue(db)  # once only


def test_an_appointment_being_checked_in_is_left_alone(engine, committed_db):
    w = _world(committed_db, no_show_after_minutes=10)
    appt = _appointment(committed_db, w, minutes_ago=11)
    committed_db.commit()
    with Session(engine) as desk, Session(engine) as task:
        # the desk holds the appointment's row lock, as a check-in does until its commit
        desk.scalars(select(Appointment).where(Appointment.id == appt.id).with_for_update()).one()
        assert appt.id not in mark_overdue(task)  # skipped, not waited for
        desk.rollback()
        assert appt.id in mark_overdue(task)  # the next round takes it


def test_several_processes_mark_each_appointment_once(engine, committed_db):
    w = _world(committed_db, no_show_after_minutes=5)
    ids = {_appointment(committed_db, w, minutes_ago=10 + i).id for i in range(20)}
    committed_db.commit()
    n = 6
    start = threading.Barrier(n, timeout=30)

    def round_(_: int) -> list[int]:
        with Session(engine) as session:
            start.wait()
            return mark_overdue(session)

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(round_, range(n)))
    mine = [i for r in results for i in r if i in ids]
    assert sorted(mine) == sorted(ids)  # every one, each once


@pytest.mark.asyncio
async def test_the_running_server_marks_no_shows_and_tells_the_desk(database_url, committed_db):
    w = _world(committed_db, no_show_after_minutes=15)
    committed_db.commit()
    server = ServerProcess(database_url, env={"NO_SHOW_SWEEP_SECONDS": "0.3"})
    await asyncio.to_thread(server.start)
    try:
        desk = await SocketRecorder(server.url, token_for(w["rec"])).connect()
        appt = _appointment(committed_db, w, minutes_ago=20)  # overdue once the desk listens
        committed_db.commit()
        try:
            got = await desk.wait_for("appointment_updated", lambda d: d["appointment"]["id"] == appt.id, timeout=15)
        finally:
            await desk.close()
        assert got[0]["appointment"]["status"] == "NO_SHOW"
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            r = await http.get("/appointments", params={"clinic_id": w["clinic"].id}, headers=auth(w["rec"]))
        assert r.json()["items"] == []  # it left the day's list
    finally:
        await asyncio.to_thread(server.stop)
    assert _status(committed_db, appt) == A.NO_SHOW
