"""Doctor sockets against the real server: rooms come from the token, a doctor is only in their own room (never
the desk's), foreign joins are refused, a join without data is refused with an ack, and a doctor receives only
the events of their own visits."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import socketio

from common import events as ev
from common.enums import Role, VisitStatus
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_patient,
    make_service,
    make_user,
    make_visit,
    token_for,
)
from tests.support.events import SocketRecorder


@pytest.fixture
def world(committed_db):
    db = committed_db
    clinic, other_clinic = make_clinic(db), make_clinic(db)
    a, b = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    now = datetime.now(UTC)
    world = {
        "clinic": clinic,
        "other_clinic": other_clinic,
        "a": a,
        "b": b,
        "reception": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "orphan": make_user(db, role=Role.DOCTOR, clinic=clinic),
        "retired": make_doctor(db, clinic, all_hours=False, is_active=False),
        "visit_a": make_visit(db, patient=patient, doctor=a, service=service, check_in_time=now),
        "visit_b": make_visit(db, patient=patient, doctor=b, service=service, check_in_time=now),
        "old_visit_a": make_visit(
            db,
            patient=patient,
            doctor=a,
            service=service,
            status=VisitStatus.COMPLETED,
            check_in_time=now - timedelta(days=30),
            prescription="old rx",
        ),
    }
    db.commit()
    return world


@pytest.mark.asyncio
async def test_join_doctor_room_only_own(live_server, world):
    a, b = world["a"], world["b"]
    sock = await SocketRecorder(live_server.url, token_for(a.user)).connect()
    try:
        refused = await sock.sio.call(ev.JOIN_DOCTOR_ROOM, {"doctor_id": b.id}, timeout=5)
        assert refused["ok"] is False
        await sock.wait_for(ev.ERROR)
        by_user_id = await sock.sio.call(ev.JOIN_DOCTOR_ROOM, {"doctor_id": a.user_id}, timeout=5)
        assert by_user_id["ok"] is False or a.user_id == a.id  # the room is keyed by Doctor.id, not User.id
        own = await sock.sio.call(ev.JOIN_DOCTOR_ROOM, {"doctor_id": a.id}, timeout=5)
        assert own == {"ok": True, "room": f"doctor_{a.id}"}
        foreign_clinic = await sock.sio.call(ev.JOIN_CLINIC_ROOM, {"clinic_id": world["other_clinic"].id}, timeout=5)
        assert foreign_clinic["ok"] is False
        own_clinic = await sock.sio.call(ev.JOIN_CLINIC_ROOM, {"clinic_id": world["clinic"].id}, timeout=5)
        assert own_clinic["ok"] is False  # the desk room is the front desk's, not a doctor's
    finally:
        await sock.close()


@pytest.mark.asyncio
async def test_a_join_without_usable_data_is_refused_with_an_ack(live_server, world):
    """No data, a list, a string: an error ack (and an `error` event), never a TypeError in the server's log."""
    a, reception = world["a"], world["reception"]
    doctor = await SocketRecorder(live_server.url, token_for(a.user)).connect()
    desk = await SocketRecorder(live_server.url, token_for(reception)).connect()
    log_before = live_server.log_path.stat().st_size
    try:
        for sock in (doctor, desk):
            for name in (ev.JOIN_DOCTOR_ROOM, ev.JOIN_CLINIC_ROOM):
                assert (await sock.sio.call(name, timeout=5))["ok"] is False  # no data at all
                assert (await sock.sio.call(name, [a.id], timeout=5))["ok"] is False
                assert (await sock.sio.call(name, "x", timeout=5))["ok"] is False
        assert (await desk.sio.call(ev.JOIN_CLINIC_ROOM, {"clinic_id": world["clinic"].id}, timeout=5))["ok"]
        assert (await doctor.sio.call(ev.JOIN_DOCTOR_ROOM, {"doctor_id": a.id}, timeout=5))["ok"]
        await doctor.wait_for(ev.ERROR, count=6)
    finally:
        await doctor.close()
        await desk.close()
    with live_server.log_path.open("rb") as log:
        log.seek(log_before)
        assert b"TypeError" not in log.read()


@pytest.mark.asyncio
async def test_refused_connections(live_server, world):
    # no token, a bad one, a DOCTOR without a profile, and one whose profile is inactive (HTTP refuses it too)
    for token in (None, "garbage", token_for(world["orphan"]), token_for(world["retired"].user)):
        client = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(
                live_server.url, auth={"token": token} if token else None, transports=["websocket"], wait_timeout=5
            )
        await client.disconnect()


@pytest.mark.asyncio
async def test_doctor_room_events_reach_only_that_doctor(live_server, world):
    """Doctor A starts their own waiting visit (same state machine, same events); doctor B, in the same clinic,
    receives none of it (doctors are not in the desk room), even after asking to join A's room."""
    a, b, visit_a = world["a"], world["b"], world["visit_a"]
    sock_a = await SocketRecorder(live_server.url, token_for(a.user)).connect()
    sock_b = await SocketRecorder(live_server.url, token_for(b.user)).connect()
    try:
        await sock_b.sio.call(ev.JOIN_DOCTOR_ROOM, {"doctor_id": a.id}, timeout=5)  # refused
        async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
            foreign = await http.post(
                "/queue/phase/move",
                json={"visit_id": world["visit_b"].id, "phase": "with_doctor"},
                headers=auth(a.user),
            )
            assert foreign.status_code == 403
            r = await http.post(
                "/queue/phase/move", json={"visit_id": visit_a.id, "phase": "with_doctor"}, headers=auth(a.user)
            )
            assert r.status_code == 200, r.text
        [event] = await sock_a.wait_for(ev.PATIENT_WITH_DOCTOR, lambda d: d["visit"]["id"] == visit_a.id)
        assert event["patient"]["id"] == visit_a.patient_id
        assert [h["id"] for h in event["visit_history"]] == [world["old_visit_a"].id]
        assert event["visit_history"][0]["prescription"] == "old rx"
        await sock_a.wait_for(ev.QUEUE_UPDATED, lambda d: d.get("visit_id") == visit_a.id)
        assert {d["room"] for _, d in sock_a.events} == {f"doctor_{a.id}"}
        await asyncio.sleep(0.3)  # give a wrongly routed event time to arrive
        assert [name for name, _ in sock_b.events] == [ev.ERROR]  # only the refusal of the join
    finally:
        await sock_a.close()
        await sock_b.close()
