"""Two server processes sharing PostgreSQL and Redis behave as one: an event caused through process A reaches a
client connected to process B (and the other way round). A server without Redis does not see them."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import redis

from common.enums import Role
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, token_for
from tests.support.events import SocketRecorder
from tests.support.server_process import ServerProcess, running_pair

pytestmark = pytest.mark.timeout(90)
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture(scope="module")
def server_pair(database_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(REDIS_URL).ping()  # fail loudly if Redis is missing, rather than skip
    with running_pair(database_url, REDIS_URL) as pair:
        yield pair


@pytest.mark.asyncio
async def test_event_caused_on_a_reaches_client_on_b(server_pair, live_server, committed_db):
    a, b = server_pair
    clinic = make_clinic(committed_db)
    rec = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = make_doctor(committed_db, clinic)
    service = make_service(committed_db, clinic)
    patient = make_patient(committed_db, clinic)
    committed_db.commit()

    on_b = await SocketRecorder(b.url, token_for(rec)).connect()
    doctor_on_a = await SocketRecorder(a.url, token_for(doctor.user)).connect()
    isolated = await SocketRecorder(live_server.url, token_for(rec)).connect()  # a server without Redis
    try:
        async with httpx.AsyncClient(base_url=a.url, headers=auth(rec), timeout=30) as via_a:
            body = {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service.id}
            r = await via_a.post("/queue/checkin", json=body)
            assert r.status_code == 201, r.text
            visit = r.json()
        [checkin] = await on_b.wait_for("new_checkin")
        assert checkin["visit"]["id"] == visit["id"] and checkin["clinic_id"] == clinic.id

        async with httpx.AsyncClient(base_url=b.url, headers=auth(rec), timeout=30) as via_b:
            r = await via_b.post("/queue/phase/move", json={"visit_id": visit["id"], "phase": "with_doctor"})
            assert r.status_code == 200, r.text
        [pwd] = await doctor_on_a.wait_for("patient_with_doctor")  # caused on B, doctor connected to A
        assert pwd["visit"]["id"] == visit["id"]
        await on_b.wait_for("visit_status_changed")
        assert on_b.of("patient_with_doctor") == []  # the doctor's room only, across processes too

        await asyncio.sleep(0.3)
        assert isolated.events == []  # without the shared Redis manager nothing crosses processes
        seqs = [d["seq"] for _, d in on_b.events]
        assert seqs == sorted(seqs) and len(set(seqs)) == 2
    finally:
        for socket in (on_b, doctor_on_a, isolated):
            await socket.close()
