"""LiveEvents: seq-gap logic fed directly, and real connections to the server process."""

import asyncio
from typing import Any

import pytest

from common import events as ev
from common.client import ApiClient
from common.client.live import CONNECTED, OFFLINE, RECONNECTING, LiveAuthError, LiveEvents
from common.enums import Role
from common.events import parse_event
from common.schemas import QueueUpdatedEvent, VisitEvent
from tests.factories import PASSWORD, make_clinic, make_doctor, make_patient, make_service, make_user, token_for
from tests.support.events import LiveRecorder
from tests.support.server_process import ServerProcess, free_port


async def wait_for(cond, timeout: float = 10.0, message: str = "condition not met in time") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(message)
        await asyncio.sleep(0.02)


# --- seq logic, fed directly -----------------------------------------------------------------------------------


def _envelope(room: str, seq: int) -> dict[str, Any]:
    return {"seq": seq, "room": room, "clinic_id": 1, "emitted_at": "2024-01-01T00:00:00+00:00"}


def test_seq_gaps_ask_for_resync_and_duplicates_are_delivered():
    live, rec = LiveEvents(reorder_window=0), LiveRecorder()  # no waiting for late events: a jump is a gap at once
    live.add_listener(rec)
    feed = [
        (ev.NEW_CHECKIN, "clinic_1", 5),  # first seen: baseline, no resync
        (ev.QUEUE_UPDATED, "clinic_1", 5),  # same change, same seq: delivered, no resync
        (ev.VISIT_STATUS_CHANGED, "clinic_1", 6),  # next: fine
        (ev.QUEUE_UPDATED, "clinic_1", 9),  # 7 and 8 missed: resync
        (ev.QUEUE_UPDATED, "clinic_1", 8),  # late duplicate of an older change: delivered, no resync, baseline kept
        (ev.PAYMENT_PROCESSED, "clinic_2", 100),  # another room has its own baseline
        (ev.PAYMENT_PROCESSED, "clinic_2", 101),
        (ev.QUEUE_UPDATED, "clinic_1", 10),
    ]
    for name, room, seq in feed:
        live.handle_event(name, _envelope(room, seq))
    assert rec.names() == [name for name, _, _ in feed]
    assert rec.resyncs == ["gap"]
    assert live.last_seq == {"clinic_1": 10, "clinic_2": 101}


def test_each_room_has_its_own_seq_and_a_gap_in_any_room_resyncs():
    """A doctor's room and the desk room of the same clinic count separately (the server numbers each room on
    its own): interleaved, neither is a gap; a jump in the doctor's room alone is one."""
    live, rec = LiveEvents(reorder_window=0), LiveRecorder()
    live.add_listener(rec)
    for room, seq in [("clinic_1", 40), ("doctor_7", 3), ("clinic_1", 41), ("doctor_7", 4), ("clinic_1", 42)]:
        live.handle_event(ev.QUEUE_UPDATED, _envelope(room, seq))
    assert rec.resyncs == []
    live.handle_event(ev.PAYMENT_PROCESSED, _envelope("doctor_7", 6))  # 5 missed in the doctor's room
    assert rec.resyncs == ["gap"]
    live.handle_event(ev.PAYMENT_PROCESSED, _envelope("clinic_1", 43))
    assert rec.resyncs == ["gap"] and live.last_seq == {"clinic_1": 43, "doctor_7": 6}
    live.handle_event(ev.QUEUE_UPDATED, {"seq": True, "room": "clinic_1"})  # not a number: no tracking
    live.handle_event(ev.QUEUE_UPDATED, {"seq": 99})  # no room: delivered, not tracked
    assert live.last_seq == {"clinic_1": 43, "doctor_7": 6} and rec.resyncs == ["gap"]
    assert len(rec.events) == 9  # every event is delivered, tracked or not


@pytest.mark.asyncio
async def test_an_early_event_waits_for_the_ones_before_it():
    """Two server processes: seq 8 may overtake seq 7 on the way. The listener still gets 7 then 8, no resync."""
    live, rec = LiveEvents(reorder_window=0.3), LiveRecorder()
    live.add_listener(rec)
    live.handle_event(ev.QUEUE_UPDATED, _envelope("clinic_1", 6))
    live.handle_event(ev.QUEUE_UPDATED, _envelope("clinic_1", 8))  # early: held
    live.handle_event(ev.NEW_CHECKIN, _envelope("clinic_1", 9))  # early: held
    assert [e[1]["seq"] for e in rec.events] == [6]
    live.handle_event(ev.VISIT_STATUS_CHANGED, _envelope("clinic_1", 7))  # the missing one: all three go, in order
    assert [e[1]["seq"] for e in rec.events] == [6, 7, 8, 9]
    assert rec.resyncs == [] and live.last_seq == {"clinic_1": 9} and live.reordered == 2
    await asyncio.sleep(0.4)
    assert rec.resyncs == []  # nothing left to expire


@pytest.mark.asyncio
async def test_a_seq_that_never_comes_is_a_gap_after_the_window():
    live, rec = LiveEvents(reorder_window=0.1), LiveRecorder()
    live.add_listener(rec)
    live.handle_event(ev.QUEUE_UPDATED, _envelope("clinic_1", 6))
    live.handle_event(ev.QUEUE_UPDATED, _envelope("clinic_1", 9))
    live.handle_event(ev.QUEUE_UPDATED, _envelope("clinic_1", 8))
    live.handle_event(ev.QUEUE_UPDATED, _envelope("doctor_2", 4))  # another room is not held up
    assert [(e[1]["room"], e[1]["seq"]) for e in rec.events] == [("clinic_1", 6), ("doctor_2", 4)]
    await asyncio.sleep(0.25)
    assert rec.resyncs == ["gap"]  # 7 never came: refetch, then what was held, in order
    assert [e[1]["seq"] for e in rec.events] == [6, 4, 8, 9]
    assert live.last_seq == {"clinic_1": 9, "doctor_2": 4}


def test_parse_event_gives_the_typed_body():
    body = parse_event(ev.QUEUE_UPDATED, {"visit_id": 4, "reason": "checkin", "seq": 1, "clinic_id": 1})
    assert body == QueueUpdatedEvent(visit_id=4, reason="checkin")
    assert parse_event(ev.QUEUE_UPDATED, {"nonsense": True}) is None
    assert parse_event("unknown", {}) is None


def test_a_broken_listener_does_not_stop_the_others():
    class Broken(LiveRecorder):
        def on_event(self, name: str, payload: dict[str, Any]) -> None:
            raise RuntimeError("boom")

    live, rec = LiveEvents(), LiveRecorder()
    live.add_listener(Broken())
    live.add_listener(rec)
    live.handle_event(ev.QUEUE_UPDATED, _envelope("clinic_1", 1))
    assert rec.names() == [ev.QUEUE_UPDATED]


# --- real connections ------------------------------------------------------------------------------------------


@pytest.fixture
def clinic_setup(committed_db):
    clinic = make_clinic(committed_db)
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = make_doctor(committed_db, clinic)
    patient = make_patient(committed_db, clinic)
    service = make_service(committed_db, clinic)
    committed_db.commit()
    return {"clinic": clinic, "receptionist": receptionist, "doctor": doctor, "patient": patient, "service": service}


@pytest.mark.asyncio
async def test_connected_socket_receives_the_events_of_an_http_change(live_server, clinic_setup):
    s = clinic_setup
    api = ApiClient(live_server.url)
    live, rec = LiveEvents(api), LiveRecorder()
    live.add_listener(rec)
    states: list[str] = []
    live.add_state_listener(states.append)
    try:
        await api.login(s["receptionist"].username, PASSWORD)
        assert await live.connect(live_server.url) is True
        assert live.state == CONNECTED and states == [RECONNECTING, CONNECTED]
        visit = await api.checkin(patient_id=s["patient"].id, doctor_id=s["doctor"].id, service_id=s["service"].id)
        await wait_for(lambda: {ev.NEW_CHECKIN, ev.QUEUE_UPDATED} <= set(rec.names()))
        payloads = dict(rec.events)
        assert payloads[ev.NEW_CHECKIN]["clinic_id"] == s["clinic"].id
        assert payloads[ev.NEW_CHECKIN]["room"] == f"clinic_{s['clinic'].id}"
        assert payloads[ev.NEW_CHECKIN]["seq"] == payloads[ev.QUEUE_UPDATED]["seq"]  # one change, one seq
        assert live.last_seq == {f"clinic_{s['clinic'].id}": payloads[ev.NEW_CHECKIN]["seq"]}
        body = parse_event(ev.NEW_CHECKIN, payloads[ev.NEW_CHECKIN])
        assert isinstance(body, VisitEvent) and body.visit.id == visit.id
        assert rec.resyncs == []
    finally:
        await live.close()
        await api.aclose()
    assert live.state == OFFLINE


@pytest.mark.asyncio
async def test_bad_token_is_refused(live_server):
    live, rec = LiveEvents(), LiveRecorder()
    live.add_listener(rec)
    with pytest.raises(LiveAuthError) as info:
        await live.connect(live_server.url, "not-a-token")
    assert info.value.status == 401
    assert "refused" in info.value.message and "Invalid token" in info.value.message
    assert live.state == OFFLINE
    await live.close()


@pytest.mark.asyncio
async def test_stale_token_is_refreshed_through_the_api_client(live_server, clinic_setup):
    api = ApiClient(live_server.url)
    live = LiveEvents(api)
    try:
        await api.login(clinic_setup["receptionist"].username, PASSWORD)
        api.access_token = "stale"
        assert await live.connect(live_server.url) is True
        assert api.refresh_count == 1 and live.state == CONNECTED
    finally:
        await live.close()
        await api.aclose()


@pytest.mark.asyncio
async def test_unreachable_server_keeps_trying_in_the_background():
    live = LiveEvents(initial_delay=0.05, max_delay=0.1)
    try:
        assert await live.connect(f"http://127.0.0.1:{free_port()}", "token") is False
        assert live.state == OFFLINE
        await asyncio.sleep(0.3)
        assert live._task is not None and not live._task.done()  # still retrying
    finally:
        await live.close()
    assert live._task is None


@pytest.mark.asyncio
async def test_reconnects_after_a_server_restart_and_asks_for_resync(database_url, clinic_setup):
    server = ServerProcess(database_url)
    server.start()
    live, rec = LiveEvents(initial_delay=0.1, max_delay=0.5), LiveRecorder()
    live.add_listener(rec)
    try:
        assert await live.connect(server.url, token_for(clinic_setup["receptionist"])) is True
        live.last_seq[f"clinic_{clinic_setup['clinic'].id}"] = 3
        await asyncio.to_thread(server.stop)
        await wait_for(lambda: live.state == OFFLINE, message="never went offline")
        assert rec.states[-2:] == [RECONNECTING, OFFLINE]
        assert rec.resyncs == []
        await asyncio.to_thread(server.start)
        await wait_for(lambda: live.state == CONNECTED, timeout=15, message="never reconnected")
        assert rec.resyncs == ["reconnect"]
        assert live.last_seq == {}  # the old baseline means nothing after missed events
    finally:
        await live.close()
        await asyncio.to_thread(server.stop)
