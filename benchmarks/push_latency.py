"""Push latency: from a receptionist's HTTP move to `with_doctor` until the doctor's socket holds
`patient_with_doctor`, and until every reception window holds `visit_status_changed`.

Starts its own server process on a fresh PostgreSQL database (as the tests do), seeds one clinic, connects
`--doctors` doctor sockets and `--receptions` reception sockets, then moves `--rounds` visits one after another.
Prints the figures; asserts nothing.

    .venv/bin/python benchmarks/push_latency.py [--rounds 200] [--doctors 10] [--receptions 10] [--redis]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx
import socketio
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import events as ev  # noqa: E402
from common.enums import Role  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


def seed(url: str, doctors: int, receptions: int, patients: int):
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        clinic = f.make_clinic(s)
        recs = [f.make_user(s, role=Role.RECEPTIONIST, clinic=clinic) for _ in range(receptions)]
        docs = [f.make_doctor(s, clinic) for _ in range(doctors)]
        service = f.make_service(s, clinic)
        patients = [f.make_patient(s, clinic) for _ in range(patients)]  # one visit each
        s.commit()
        data = (
            [f.token_for(r) for r in recs],
            [(d.id, f.token_for(d.user)) for d in docs],
            service.id,
            [p.id for p in patients],
        )
    engine.dispose()
    return data


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run(base: str, rounds: int, rec_tokens, doctor_tokens, service_id, patient_ids) -> None:
    loop = asyncio.get_running_loop()
    pushed: dict[int, asyncio.Future[float]] = {}
    seen_by_reception: dict[int, list[float]] = {}
    clients: list[socketio.AsyncClient] = []

    for doctor_id, token in doctor_tokens:
        c = socketio.AsyncClient(reconnection=False)

        @c.on(ev.PATIENT_WITH_DOCTOR)
        async def _push(data, _doctor=doctor_id):
            fut = pushed.get(data["visit"]["id"])
            if fut and not fut.done():
                fut.set_result(time.perf_counter())

        await c.connect(base, auth={"token": token}, transports=["websocket"])
        clients.append(c)
    for token in rec_tokens:
        c = socketio.AsyncClient(reconnection=False)

        @c.on(ev.VISIT_STATUS_CHANGED)
        async def _changed(data):
            seen_by_reception.setdefault(data["visit"]["id"], []).append(time.perf_counter())

        await c.connect(base, auth={"token": token}, transports=["websocket"])
        clients.append(c)

    headers = {"Authorization": f"Bearer {rec_tokens[0]}"}
    to_doctor, to_all_reception, http_times = [], [], []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        for i in range(rounds):
            doctor_id, _ = doctor_tokens[i % len(doctor_tokens)]
            r = await http.post(
                "/queue/checkin",
                json={
                    "patient_id": patient_ids[i % len(patient_ids)],
                    "doctor_id": doctor_id,
                    "service_id": service_id,
                },
            )
            r.raise_for_status()
            visit_id = r.json()["id"]
            pushed[visit_id] = loop.create_future()
            t0 = time.perf_counter()
            r = await http.post("/queue/phase/move", json={"visit_id": visit_id, "phase": "with_doctor"})
            http_times.append((time.perf_counter() - t0) * 1000)
            r.raise_for_status()
            t_doctor = await asyncio.wait_for(pushed[visit_id], 10)
            to_doctor.append((t_doctor - t0) * 1000)
            deadline = time.perf_counter() + 10
            while len(seen_by_reception.get(visit_id, [])) < len(rec_tokens) and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            to_all_reception.append((max(seen_by_reception[visit_id]) - t0) * 1000)
    for c in clients:
        await c.disconnect()

    def line(name: str, values: list[float]) -> None:
        print(
            f"  {name:<44} p50 {statistics.median(values):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms   "
            f"max {max(values):7.1f} ms"
        )

    print(f"{rounds} moves, {len(doctor_tokens)} doctor sockets, {len(rec_tokens)} reception sockets:")
    line("HTTP POST /queue/phase/move round trip", http_times)
    line("move → doctor holds patient_with_doctor", to_doctor)
    line("move → every reception window has the change", to_all_reception)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--doctors", type=int, default=10)
    parser.add_argument("--receptions", type=int, default=10)
    parser.add_argument("--redis", action="store_true", help="run the server with REDIS_URL (Redis manager)")
    args = parser.parse_args()
    url = create_test_database("clinic_bench")
    try:
        upgrade_to_head(url)
        rec_tokens, doctor_tokens, service_id, patient_ids = seed(url, args.doctors, args.receptions, args.rounds)
        server = ServerProcess(url, redis_url="redis://127.0.0.1:6379/5" if args.redis else None)
        server.start()
        try:
            asyncio.run(run(server.url, args.rounds, rec_tokens, doctor_tokens, service_id, patient_ids))
        finally:
            server.stop()
    finally:
        drop_test_database(url)


if __name__ == "__main__":
    main()
