"""Issue 11, the board's fast path with several processes: a change committed through process A is seen by an
app refetching from process B with the seq its event carried; B answers from memory only up to the seq it built
the board at, so it never answers a board older than what the app has heard."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import redis

from common import events as ev
from common.client import ApiClient
from common.client.live import LiveEvents
from common.enums import Role
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, token_for
from tests.support.events import LiveRecorder
from tests.support.server_process import ServerProcess, running_pair

pytestmark = pytest.mark.timeout(120)
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture(scope="module")
def server_pair(database_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(REDIS_URL).ping()
    with running_pair(database_url, REDIS_URL) as pair:
        yield pair


@pytest.mark.asyncio
async def test_a_change_through_a_is_seen_refetching_from_b_with_the_events_seq(server_pair, committed_db):
    a, b = server_pair
    clinic = make_clinic(committed_db)
    desk = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = make_doctor(committed_db, clinic)
    service = make_service(committed_db, clinic)
    patients = [make_patient(committed_db, clinic, full_name=f"Arrival {i}") for i in range(3)]
    committed_db.commit()

    api = ApiClient(b.url)  # the app reads its board from B ...
    api.access_token = token_for(desk)
    live, heard = LiveEvents(api, transports=["websocket"]), LiveRecorder()
    live.add_listener(heard)
    assert await live.connect(a.url, token_for(desk))  # ... and hears its events through A's socket
    try:
        async with httpx.AsyncClient(base_url=a.url, headers=auth(desk), timeout=30) as via_a:
            for i, patient in enumerate(patients):
                board = await api.queue_board()  # B builds (or holds) the board at the seq heard so far
                names = {e.patient.full_name for e in board.waiting}
                assert names == {f"Arrival {n}" for n in range(i)}
                body = {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service.id}
                r = await via_a.post("/queue/checkin", json=body)  # committed through A
                assert r.status_code == 201, r.text
                deadline = asyncio.get_running_loop().time() + 20
                while len(heard.named(ev.NEW_CHECKIN)) <= i:
                    assert asyncio.get_running_loop().time() < deadline, "the check-in event never came"
                    await asyncio.sleep(0.02)
                assert api.room_seqs is not None
                assert api.room_seqs()[ev.clinic_room(clinic.id)] == heard.named(ev.NEW_CHECKIN)[i]["seq"]
                # refetched from B with that seq: B has not built the board since, so it must read the database
                after = await api.queue_board()
                assert f"Arrival {i}" in {e.patient.full_name for e in after.waiting}
    finally:
        await live.close()
        await api.aclose()
