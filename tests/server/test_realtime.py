"""The real-time layer against a real server process: connect auth, rooms, join refusals, per-room seq ordering,
and "a rolled-back change emits nothing" (in-process, on the event bus)."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import socketio
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.schemas import QueueUpdatedEvent
from server.core.security import create_token
from server.models import Clinic, Doctor, Visit
from server.realtime.bus import MAX_HOLD_SECONDS, EventBus, StagedEvent, bus, reservations
from server.services import outbox
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
from tests.support.events import SocketRecorder, recorded_events

pytestmark = pytest.mark.timeout(60)


def _clinic(session: Session) -> dict:
    clinic = make_clinic(session)
    w = {
        "clinic": clinic,
        "rec": make_user(session, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(session, clinic),
        "service": make_service(session, clinic),
    }
    session.commit()
    return w


def _walk_in(w: dict, session: Session) -> dict:
    patient = make_patient(session, w["clinic"])
    session.commit()
    return {"patient_id": patient.id, "doctor_id": w["doctor"].id, "service_id": w["service"].id}


async def _post(url: str, path: str, user, json=None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.post(path, json=json, headers=auth(user))


# --- connect auth ----------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_connect_requires_a_valid_token(live_server, committed_db):
    w = _clinic(committed_db)
    inactive = make_user(committed_db, role=Role.RECEPTIONIST, clinic=w["clinic"], is_active=False)
    committed_db.commit()
    refresh = create_token(w["rec"].id, "refresh")
    for token in (None, "", "not-a-jwt", refresh, token_for(inactive)):
        client = SocketRecorder(live_server.url, token)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect()
        assert not client.sio.connected
    ok = await SocketRecorder(live_server.url, token_for(w["rec"])).connect()
    assert ok.sio.connected
    await ok.close()


# --- rooms -----------------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_doctor_cannot_join_another_doctors_room(live_server, committed_db):
    mine, theirs = _clinic(committed_db), _clinic(committed_db)
    visit = make_visit(
        committed_db,
        patient=make_patient(committed_db, theirs["clinic"]),
        doctor=theirs["doctor"],
        service=theirs["service"],
    )
    committed_db.commit()
    spy = await SocketRecorder(live_server.url, token_for(mine["doctor"].user)).connect()
    victim = await SocketRecorder(live_server.url, token_for(theirs["doctor"].user)).connect()
    try:
        ack = await spy.sio.call("join_doctor_room", {"doctor_id": theirs["doctor"].id}, timeout=5)
        assert ack["ok"] is False
        await spy.wait_for("error")
        own = await spy.sio.call("join_doctor_room", {"doctor_id": mine["doctor"].id}, timeout=5)
        assert own == {"ok": True, "room": f"doctor_{mine['doctor'].id}"}
        r = await _post(
            live_server.url, "/queue/phase/move", theirs["rec"], {"visit_id": visit.id, "phase": "with_doctor"}
        )
        assert r.status_code == 200, r.text
        await victim.wait_for("patient_with_doctor")
        await victim.wait_for("queue_updated")
        await asyncio.sleep(0.3)  # give a leaked event time to arrive
        assert [name for name, _ in spy.events] == ["error"]
    finally:
        await spy.close()
        await victim.close()


@pytest.mark.asyncio
async def test_receptionist_cannot_join_another_clinics_room(live_server, committed_db):
    mine, theirs = _clinic(committed_db), _clinic(committed_db)
    body = _walk_in(theirs, committed_db)
    spy = await SocketRecorder(live_server.url, token_for(mine["rec"])).connect()
    witness = await SocketRecorder(live_server.url, token_for(theirs["rec"])).connect()
    try:
        ack = await spy.sio.call("join_clinic_room", {"clinic_id": theirs["clinic"].id}, timeout=5)
        assert ack["ok"] is False
        ack = await spy.sio.call("join_clinic_room", {"clinic_id": str(mine["clinic"].id)}, timeout=5)
        assert ack["ok"] is False  # ids are numbers; a string is refused, not coerced
        ack = await spy.sio.call("join_clinic_room", {"clinic_id": True}, timeout=5)
        assert ack["ok"] is False  # nor is a boolean (True == 1 in Python)
        ack = await spy.sio.call("join_clinic_room", {"clinic_id": mine["clinic"].id}, timeout=5)
        assert ack == {"ok": True, "room": f"clinic_{mine['clinic'].id}"}
        r = await _post(live_server.url, "/queue/checkin", theirs["rec"], body)
        assert r.status_code == 201
        await witness.wait_for("new_checkin")
        await asyncio.sleep(0.3)
        assert [name for name, _ in spy.events] == ["error", "error", "error"]
    finally:
        await spy.close()
        await witness.close()


@pytest.mark.asyncio
async def test_admin_joins_a_clinic_room_by_its_numeric_id_only(live_server, committed_db):
    """An admin has no room from the token and joins the clinics to watch; the id must be a JSON number (a
    boolean is an int in Python and used to be accepted, joining a room no event is sent to)."""
    w = _clinic(committed_db)
    admin = make_user(committed_db, role=Role.ADMIN)
    committed_db.commit()
    body = _walk_in(w, committed_db)
    watcher = await SocketRecorder(live_server.url, token_for(admin)).connect()
    try:
        assert (await watcher.sio.call("join_clinic_room", {"clinic_id": True}, timeout=5))["ok"] is False
        ack = await watcher.sio.call("join_clinic_room", {"clinic_id": w["clinic"].id}, timeout=5)
        assert ack == {"ok": True, "room": f"clinic_{w['clinic'].id}"}
        assert (await _post(live_server.url, "/queue/checkin", w["rec"], body)).status_code == 201
        [event] = await watcher.wait_for("new_checkin")
        assert event["clinic_id"] == w["clinic"].id and event["room"] == f"clinic_{w['clinic'].id}"
        assert "notes" not in event["visit"]  # an admin watching the desk room gets the desk's payload
    finally:
        await watcher.close()


# --- seq -------------------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_seq_strictly_increases_per_change_and_illegal_moves_emit_nothing(live_server, committed_db):
    w = _clinic(committed_db)
    listener = await SocketRecorder(live_server.url, token_for(w["rec"])).connect()
    doctor_socket = await SocketRecorder(live_server.url, token_for(w["doctor"].user)).connect()
    try:
        url, rec = live_server.url, w["rec"]
        visit = (await _post(url, "/queue/checkin", rec, _walk_in(w, committed_db))).json()  # 1 change
        move = {"visit_id": visit["id"], "phase": "with_doctor"}
        assert (await _post(url, "/queue/phase/move", rec, move)).status_code == 200  # 2
        assert (await _post(url, "/queue/phase/move", rec, move)).status_code == 409  # illegal: nothing
        assert (await _post(url, "/queue/phase/move", rec, {**move, "phase": "completed"})).status_code == 403
        assert (await _post(url, "/queue/phase/move", rec, {**move, "phase": "waiting"})).status_code == 200  # 3
        assert (await _post(url, "/payments", rec, {"visit_id": visit["id"]})).status_code == 201  # 4
        await listener.wait_for("payment_processed")
        await doctor_socket.wait_for("payment_processed")
        await asyncio.sleep(0.2)
        seqs = [data["seq"] for _, data in listener.events]
        assert seqs == sorted(seqs)
        distinct = sorted(set(seqs))
        assert len(distinct) == 4 and distinct == list(range(distinct[0], distinct[0] + 4))
        committed_db.expire_all()
        assert committed_db.get(Clinic, w["clinic"].id).event_seq == distinct[-1]
        for _, data in listener.events:
            assert data["clinic_id"] == w["clinic"].id and data["emitted_at"]
            assert data["room"] == f"clinic_{w['clinic'].id}"
        names = [name for name, _ in listener.events]
        assert names == [
            "new_checkin",
            "queue_updated",
            "visit_status_changed",
            "queue_updated",
            "visit_status_changed",
            "queue_updated",
            "payment_processed",
        ]
        assert "patient_with_doctor" not in names  # the doctor's room only
        # the doctor's room numbers the same four changes on its own counter: 1..4 for a new doctor
        assert {d["room"] for _, d in doctor_socket.events} == {f"doctor_{w['doctor'].id}"}
        assert sorted({d["seq"] for _, d in doctor_socket.events}) == [1, 2, 3, 4]
        assert [d["seq"] for d in doctor_socket.of("patient_with_doctor")] == [2]
        assert committed_db.get(Doctor, w["doctor"].id).event_seq == 4
    finally:
        await listener.close()
        await doctor_socket.close()


@pytest.mark.asyncio
async def test_seq_arrives_in_order_under_concurrent_changes(live_server, committed_db):
    w = _clinic(committed_db)
    bodies = [_walk_in(w, committed_db) for _ in range(30)]
    listener = await SocketRecorder(live_server.url, token_for(w["rec"])).connect()
    start = threading.Barrier(len(bodies), timeout=30)  # a thread that cannot start fails the test, not hangs it

    def check_in(body: dict) -> int:
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            start.wait()
            return http.post("/queue/checkin", json=body, headers=auth(w["rec"])).status_code

    try:
        with ThreadPoolExecutor(len(bodies)) as pool:
            codes = await asyncio.get_running_loop().run_in_executor(None, lambda: list(pool.map(check_in, bodies)))
        assert codes == [201] * len(bodies)
        await listener.wait_for("new_checkin", count=len(bodies))
        seqs = [data["seq"] for name, data in listener.events if name == "new_checkin"]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(bodies)
    finally:
        await listener.close()


# --- a rolled-back change emits nothing (in-process) ----------------------------------------------------------


def test_rolled_back_stage_emits_nothing(engine, committed_db):
    w = _clinic(committed_db)
    clinic_id, doctor_id = w["clinic"].id, w["doctor"].id
    body = QueueUpdatedEvent(visit_id=0, reason="test")
    with recorded_events() as events, Session(engine) as session:
        outbox.stage(session, "queue_updated", body, clinic_id=clinic_id, doctors=(doctor_id,))
        session.rollback()
        session.commit()  # nothing left to number or release
    assert events == []
    committed_db.expire_all()
    assert committed_db.get(Clinic, clinic_id).event_seq == 0  # no room was numbered
    assert committed_db.get(Doctor, doctor_id).event_seq == 0
    # a session closed without commit drops what it staged: reusing it later must not leak old events
    with recorded_events() as events, Session(engine) as session:
        outbox.stage(session, "queue_updated", body, clinic_id=clinic_id)
        session.close()
        session.commit()
    assert events == []
    # and a commit that fails after the numbering rolls the increments back and emits nothing
    with recorded_events() as events, Session(engine) as session:
        outbox.stage(session, "queue_updated", body, clinic_id=clinic_id, doctors=(doctor_id,))
        session.add(Clinic(name=None, timezone="UTC"))  # NOT NULL violation at the final flush
        with pytest.raises(Exception, match="null value"):
            session.commit()
    assert events == []
    committed_db.expire_all()
    assert committed_db.get(Clinic, clinic_id).event_seq == 0 and committed_db.get(Doctor, doctor_id).event_seq == 0


def test_one_change_numbers_each_room_it_tells_once(engine, committed_db):
    """Per-room seq: every room the change told gets +1, rooms it did not tell keep theirs (gapless per room)."""
    w = _clinic(committed_db)
    other = make_doctor(committed_db, w["clinic"])
    committed_db.commit()
    clinic_id, doctor_id = w["clinic"].id, w["doctor"].id
    body = QueueUpdatedEvent(visit_id=0, reason="test")
    with recorded_events() as events, Session(engine) as session:
        outbox.stage(session, "queue_updated", body, clinic_id=clinic_id, doctors=(doctor_id,))
        outbox.stage(session, "new_checkin", body, clinic_id=clinic_id, doctors=(doctor_id,))
        session.commit()
        outbox.stage(session, "queue_updated", body, clinic_id=clinic_id, desk=False, doctors=(doctor_id,))
        session.commit()
    got = [(e.name, e.room, e.seq) for e in events]
    desk, mine = f"clinic_{clinic_id}", f"doctor_{doctor_id}"
    assert sorted(got) == sorted(
        [("queue_updated", desk, 1), ("new_checkin", desk, 1), ("queue_updated", mine, 1), ("new_checkin", mine, 1)]
        + [("queue_updated", mine, 2)]
    )
    committed_db.expire_all()
    assert committed_db.get(Clinic, clinic_id).event_seq == 1
    assert committed_db.get(Doctor, doctor_id).event_seq == 2
    assert committed_db.get(Doctor, other.id).event_seq == 0


def test_payloads_are_built_before_any_seq_row_is_locked(app, engine, committed_db, monkeypatch):
    """Issue 11's latency rule: the 10-visit history of patient_with_doctor is read while neither the desk's seq
    row (the clinic) nor the doctor's is locked; the outbox locks them only to number and commit."""
    w = _clinic(committed_db)
    visit = make_visit(
        committed_db, patient=make_patient(committed_db, w["clinic"]), doctor=w["doctor"], service=w["service"]
    )
    committed_db.commit()
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from server.services import history

    real = history.recent_visits_with_doctor
    probes: list[tuple[int | None, int | None]] = []

    def probing(session, **kwargs):
        with engine.connect() as other:  # another transaction: NOWAIT fails at once if the row is locked
            clinic = other.execute(
                text("SELECT id FROM clinics WHERE id = :id FOR UPDATE NOWAIT"), {"id": w["clinic"].id}
            ).scalar()
            doctor = other.execute(
                text("SELECT id FROM doctors WHERE id = :id FOR UPDATE NOWAIT"), {"id": w["doctor"].id}
            ).scalar()
            other.rollback()
        probes.append((clinic, doctor))
        return real(session, **kwargs)

    monkeypatch.setattr(history, "recent_visits_with_doctor", probing)
    with TestClient(app.api) as client:
        move = {"visit_id": visit.id, "phase": "with_doctor"}
        assert client.post("/queue/phase/move", json=move, headers=auth(w["rec"])).status_code == 200
    assert probes == [(w["clinic"].id, w["doctor"].id)]


def test_failing_request_after_stage_emits_nothing_and_writes_nothing(app, engine, committed_db, monkeypatch):
    """The service stages visit_status_changed and queue_updated, then fails: the sink must see nothing."""
    w = _clinic(committed_db)
    visit = make_visit(
        committed_db, patient=make_patient(committed_db, w["clinic"]), doctor=w["doctor"], service=w["service"]
    )
    committed_db.commit()
    seq_before = {f"clinic_{w['clinic'].id}": w["clinic"].event_seq, f"doctor_{w['doctor'].id}": w["doctor"].event_seq}
    received = []

    async def sink(item) -> None:
        received.append(item)

    def boom(*args, **kwargs):
        raise RuntimeError("history lookup failed")

    from fastapi.testclient import TestClient

    from server.services import history

    bus.add_sink(sink)
    try:
        with TestClient(app.api, raise_server_exceptions=False) as client:
            monkeypatch.setattr(history, "recent_visits_with_doctor", boom)
            move = {"visit_id": visit.id, "phase": "with_doctor"}
            r = client.post("/queue/phase/move", json=move, headers=auth(w["rec"]))
            assert r.status_code == 500
            client.portal.call(bus.drain)
            assert received == []
            monkeypatch.undo()
            r = client.post("/queue/phase/move", json=move, headers=auth(w["rec"]))
            assert r.status_code == 200
            client.portal.call(bus.drain)
            desk = [e.name for e in received if e.room == f"clinic_{w['clinic'].id}"]
            mine = [e.name for e in received if e.room == f"doctor_{w['doctor'].id}"]
            assert desk == ["visit_status_changed", "queue_updated"]
            assert mine == ["visit_status_changed", "queue_updated", "patient_with_doctor"]
            # the failed attempt did not use up a seq in either room: each event is its room's next one
            assert all(e.seq == seq_before[e.room] + 1 for e in received), [(e.room, e.seq) for e in received]
    finally:
        bus.remove_sink(sink)
    committed_db.expire_all()
    assert committed_db.scalar(select(Visit.version).where(Visit.id == visit.id)) == 2
    assert committed_db.get(Visit, visit.id).status == VisitStatus.IN_PROGRESS


# --- the bus keeps seq order when after-commit hooks run out of order -----------------------------------------


def _event(clinic_id: int, seq: int, name: str = "queue_updated") -> StagedEvent:
    return StagedEvent(name, f"clinic_{clinic_id}", seq, clinic_id, {})


@pytest.mark.asyncio
async def test_bus_reorders_by_seq_and_never_waits_forever():
    local_bus, got = EventBus(), []

    async def sink(item: StagedEvent) -> None:
        got.append((item.seq, item.name))

    local_bus.add_sink(sink)
    await local_bus.start()
    clinic_id = -abs(hash(object())) % 10**9 - 1  # an id no real clinic has
    room = f"clinic_{clinic_id}"
    try:
        reservations.add(room, 1)
        reservations.add(room, 2)
        local_bus.publish([_event(clinic_id, 2, "second")], [(room, 2)])  # seq 2's hook ran first
        await asyncio.sleep(0.1)
        assert got == []  # held while seq 1 is reserved
        local_bus.publish([_event(clinic_id, 1, "a"), _event(clinic_id, 1, "b")], [(room, 1)])
        await asyncio.wait_for(local_bus._queue.join(), 2)
        assert got == [(1, "a"), (1, "b"), (2, "second")]
        # another room is not held up by this one
        reservations.add(room, 3)  # abandoned: never released
        local_bus.publish([_event(clinic_id - 1, 7, "elsewhere")])
        local_bus.publish([_event(clinic_id, 4, "late")], [(room, 4)])
        await asyncio.sleep(0.1)
        assert got[-1] == (7, "elsewhere")
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(local_bus._queue.join(), 3)
        assert got[-1] == (4, "late")
        assert asyncio.get_running_loop().time() - started <= MAX_HOLD_SECONDS + 0.5
    finally:
        reservations.release([(room, 3)])
        await local_bus.stop()


@pytest.mark.asyncio
async def test_connect_refuses_promptly_when_the_token_cannot_be_checked():
    """A failure while checking the token (e.g. PostgreSQL out of connections) is a refusal the client sees at
    once and retries, not a crashed handler that leaves it waiting for an answer."""
    from sqlalchemy.exc import OperationalError

    from server.realtime.sio import create_sio

    def unreachable(token: str):
        raise OperationalError("SELECT 1", {}, Exception("too many clients already"))

    server = create_sio(unreachable)
    with pytest.raises(socketio.exceptions.ConnectionRefusedError, match="retry"):
        await server.handlers["/"]["connect"]("sid-1", {}, {"token": "any"})
