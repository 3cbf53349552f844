"""Push latency against its floor, in one run: reception `POST /queue/phase/move` (phase `with_doctor`) until the
doctor's socket holds `patient_with_doctor`, against a bare python-socketio + FastAPI app whose POST handler emits
at once (benchmarks/floors.py), on the same uvicorn, with the same number of live sockets on each.

Rounds alternate product / floor, so both see the same machine load. Prints p50/p99 and the ratios; asserts
nothing. `--profile` runs py-spy on the product server during its rounds and prints where its time goes;
`--stages` times each stage of every push instead (benchmarks/_stages.py; the probe adds ~0.5 ms to the product).

    .venv/bin/python benchmarks/push_vs_floor.py --rounds 150 --clinics 20 --sockets 6 [--profile|--stages] [--redis]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx
import socketio

from _bench import Floor, SeededClinic, breakdown, p50, p99, py_spy, seed_clinics  # isort: skip
from _stages import PROBE_DIR, Round  # isort: skip
from _stages import breakdown as stage_breakdown  # isort: skip
from common import events as ev  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


async def connect(url: str, auth: dict, handlers: dict) -> socketio.AsyncClient:
    c = socketio.AsyncClient(reconnection=False)
    for name, fn in handlers.items():
        c.on(name, fn)
    await c.connect(url, auth=auth, transports=["websocket"])
    return c


async def run(product: str, floor: str, clinics: list[SeededClinic], rounds: int, profile: Path | None, pid: int):
    loop = asyncio.get_running_loop()
    waiting: dict[object, asyncio.Future[float]] = {}

    def future(key: object) -> asyncio.Future[float]:
        return waiting.setdefault(key, loop.create_future())

    def arrived(key: object) -> None:  # an event may land before the HTTP answer that caused it
        fut = future(key)
        if not fut.done():
            fut.set_result(time.perf_counter())

    async def on_push(data):
        arrived(("product", data["visit"]["id"]))

    async def on_checkin(data):
        arrived(("checkin", data["visit"]["id"]))

    async def on_floor(data):
        arrived(("floor", data["n"]))

    clients: list[socketio.AsyncClient] = []
    for c in clinics:  # the product's sockets: the desk's and the doctors'
        for token in c.reception_tokens:
            clients.append(await connect(product, {"token": token}, {}))
        for _doctor_id, token in c.doctors:
            clients.append(
                await connect(product, {"token": token}, {ev.PATIENT_WITH_DOCTOR: on_push, ev.NEW_CHECKIN: on_checkin})
            )
    for c in clinics:  # the same number on the floor, in rooms of the same shape
        for _ in c.reception_tokens:
            clients.append(await connect(floor, {"room": f"clinic_{c.clinic_id}"}, {}))
        for doctor_id, _ in c.doctors:
            clients.append(await connect(floor, {"room": f"doctor_{doctor_id}"}, {"patient_with_doctor": on_floor}))

    product_ms: list[float] = []
    floor_ms: list[float] = []
    timed_rounds: list[Round] = []
    async with (
        httpx.AsyncClient(base_url=product, timeout=30) as http,
        httpx.AsyncClient(base_url=floor, timeout=30) as bare,
    ):

        async def one_round(i: int, timed: bool) -> None:
            c = clinics[i % len(clinics)]
            doctor_id, _ = c.doctors[(i // len(clinics)) % len(c.doctors)]
            headers = {"Authorization": f"Bearer {c.reception_tokens[0]}"}
            patient_id = c.patient_ids[(i // len(clinics)) % len(c.patient_ids)]
            r = await http.post(
                "/queue/checkin",
                json={"patient_id": patient_id, "doctor_id": doctor_id, "service_id": c.service_id},
                headers=headers,
            )
            r.raise_for_status()
            visit_id = r.json()["id"]
            await asyncio.wait_for(future(("checkin", visit_id)), 10)  # the check-in's own events are out
            t0 = time.perf_counter()
            r = await http.post(
                "/queue/phase/move", json={"visit_id": visit_id, "phase": "with_doctor"}, headers=headers
            )
            answered = time.perf_counter()
            if r.status_code != 200:
                raise RuntimeError(f"move refused: {r.status_code} {r.text}")
            t1 = await asyncio.wait_for(future(("product", visit_id)), 10)
            if timed:
                product_ms.append((t1 - t0) * 1000)
                timed_rounds.append(Round(t0, answered, t1))
            # free the doctor again (a clinic allows max_active_per_doctor consultations at once): back to
            # waiting, then cancelled; untimed
            for path, body in (
                ("/queue/phase/move", {"visit_id": visit_id, "phase": "waiting"}),
                ("/queue/cancel", {"visit_id": visit_id}),
            ):
                (await http.post(path, json=body, headers=headers)).raise_for_status()
            # floor round
            t0 = time.perf_counter()
            r = await bare.post("/emit", json={"room": f"doctor_{doctor_id}", "data": {"n": i}})
            t1 = await asyncio.wait_for(future(("floor", i)), 10)
            if timed:
                floor_ms.append((t1 - t0) * 1000)

        warm = min(20, len(clinics) * 2)
        for i in range(warm):
            await one_round(i, timed=False)
        with py_spy(pid, profile, enabled=profile is not None) as prof:
            for i in range(warm, warm + rounds):
                await one_round(i, timed=True)
    for c in clients:
        await c.disconnect()
    return product_ms, floor_ms, prof, timed_rounds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--clinics", type=int, default=20)
    parser.add_argument("--sockets", type=int, default=6, help="live sockets per clinic: half desk, half doctors")
    parser.add_argument("--profile", action="store_true", help="py-spy the product server during its rounds")
    parser.add_argument("--stages", action="store_true", help="time each stage of the product's pushes")
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()
    url = create_test_database("clinic_bench")
    floor = Floor("push")
    try:
        upgrade_to_head(url)
        half = max(1, args.sockets // 2)
        per_clinic = (args.rounds + 40) // args.clinics // half + 2
        clinics = seed_clinics(url, args.clinics, half, half, per_clinic, history=10)
        stages = Path(tempfile.mkdtemp()) / "stages.tsv" if args.stages else None
        probe = {"PYTHONPATH": f"{PROBE_DIR}:{PROBE_DIR.parents[1]}", "PUSH_STAGES_OUT": str(stages)}
        server = ServerProcess(
            url, redis_url="redis://127.0.0.1:6379/5" if args.redis else None, env=probe if stages else None
        )
        server.start()
        profile = Path(tempfile.mkdtemp()) / "push.txt" if args.profile else None
        try:
            assert server.proc is not None
            product_ms, floor_ms, prof, timed_rounds = asyncio.run(
                run(server.url, floor.url, clinics, args.rounds, profile, server.proc.pid)
            )
        finally:
            server.stop()
    finally:
        floor.stop()
        drop_test_database(url)
    sockets = args.clinics * half * 2
    print(f"push: {args.rounds} rounds, {args.clinics} clinics x {half * 2} live sockets ({sockets} on each side)")
    print(f"  product  p50 {p50(product_ms):6.1f} ms   p99 {p99(product_ms):6.1f} ms")
    print(f"  floor    p50 {p50(floor_ms):6.1f} ms   p99 {p99(floor_ms):6.1f} ms")
    print(
        f"  ratio    p50 {p50(product_ms) / p50(floor_ms):5.2f}x (target <= 2)   "
        f"p99 {p99(product_ms) / p99(floor_ms):5.2f}x (target <= 3)"
    )
    if prof is not None:
        print("profile of the product server during its rounds (py-spy):")
        print(breakdown(prof))
    if stages is not None:
        print(stage_breakdown(stages, timed_rounds))


if __name__ == "__main__":
    main()
