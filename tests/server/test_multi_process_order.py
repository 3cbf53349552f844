"""Issue 11, several processes: with two real server processes behind one Redis, changes made through both at once
reach a desk app (common.client.live.LiveEvents) once each, in seq order, with no gap, even where the raw socket
saw one process's event overtake the other's."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import redis

from common import events as ev
from common.client.live import LiveEvents
from common.enums import Role
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, token_for
from tests.support.events import LiveRecorder
from tests.support.server_process import ServerProcess, running_pair

pytestmark = pytest.mark.timeout(120)
REDIS_URL = "redis://127.0.0.1:6379/12"
CHANGES = 40


@pytest.fixture(scope="module")
def server_pair(database_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(REDIS_URL).ping()
    with running_pair(database_url, REDIS_URL) as pair:
        yield pair


@pytest.mark.asyncio
async def test_changes_through_two_processes_arrive_once_in_seq_order(server_pair, committed_db):
    a, b = server_pair
    clinic = make_clinic(committed_db)
    desk = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctors = [make_doctor(committed_db, clinic) for _ in range(4)]
    service = make_service(committed_db, clinic)
    patients = [make_patient(committed_db, clinic) for _ in range(CHANGES)]
    committed_db.commit()

    live, rec = LiveEvents(transports=["websocket"]), LiveRecorder()
    live.add_listener(rec)
    assert await live.connect(a.url, token_for(desk))
    try:
        async with (
            httpx.AsyncClient(base_url=a.url, headers=auth(desk), timeout=30) as via_a,
            httpx.AsyncClient(base_url=b.url, headers=auth(desk), timeout=30) as via_b,
        ):

            async def check_in(i: int) -> None:
                http = via_a if i % 2 else via_b
                body = {"patient_id": patients[i].id, "doctor_id": doctors[i % 4].id, "service_id": service.id}
                r = await http.post("/queue/checkin", json=body)
                assert r.status_code == 201, r.text

            await asyncio.gather(*(check_in(i) for i in range(CHANGES)))  # both processes at once

        deadline = asyncio.get_running_loop().time() + 20
        while len({d["seq"] for n, d in rec.events if n == ev.NEW_CHECKIN}) < CHANGES:
            assert asyncio.get_running_loop().time() < deadline, "not every check-in arrived"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # anything late or doubled would show now
    finally:
        await live.close()

    checkins = [d for n, d in rec.events if n == ev.NEW_CHECKIN]
    seqs = [d["seq"] for d in checkins]
    assert len(checkins) == CHANGES  # once each
    assert seqs == sorted(seqs)  # in seq order
    assert seqs == list(range(seqs[0], seqs[0] + CHANGES))  # no gap
    assert rec.resyncs == []
    every = [d["seq"] for _, d in rec.events]
    assert every == sorted(every)  # the siblings (queue_updated) too
