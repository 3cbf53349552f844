"""UI-thread stalls under a stream of events (issue 11): both desktop apps against a real server while the front
desk and the doctor work at ~100 events a second.

It starts a server on a fresh PostgreSQL database, then the reception main window and the doctor main window,
each in its own process (offscreen, logged in, live over Socket.IO; benchmarks/_ui_apps.py), each with a 10 ms
precise QTimer on its UI thread that records its own lateness (benchmarks/_ui_probe.py). This process then
drives the floor through the real HTTP API: patients are checked in (Poisson arrivals), half of them get a
priority change, each is called, sent to the doctor, completed by the doctor and paid for; every step is an event
(or three) to the desk's room and the doctor's room, and the apps refetch what they refetch. Per app it prints
the timer's lateness (p50/p99/max), the stalls over 50 ms (and how much of each the UI thread spent on the CPU:
a stall with little CPU is the machine not scheduling the process), what the stalls' samples were running, the
events received, the requests, the model signals and paints; and whether, once the stream is over, the board and
Today's Work equal the server's state. Asserts nothing.

    .venv/bin/python benchmarks/ui_stall.py --seconds 30 --rate 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks._bench import p50, pct  # noqa: E402
from common.enums import Role  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

DESK_EVENTS_PER_VISIT = 12  # check-in 2, priority 2 (half of them), call 3, send 2, complete 3, payment 1
STALL_MS = 50.0


@dataclass
class Floor:
    receptionist: str
    doctor: str
    desk_token: str
    doctor_tokens: dict[int, str]  # doctor id -> token; the first is the app's doctor
    service_id: int
    patients: list[int]


@dataclass
class Driven:
    visits: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def seed(url: str, doctors: int, patients: int) -> Floor:
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        clinic = f.make_clinic(s)
        desk = f.make_user(s, role=Role.RECEPTIONIST, clinic=clinic)
        docs = [f.make_doctor(s, clinic) for _ in range(doctors)]
        service = f.make_service(s, clinic)
        people = [f.make_patient(s, clinic) for _ in range(patients)]
        s.commit()
        floor = Floor(
            desk.username,
            docs[0].user.username,
            f.token_for(desk),
            {d.id: f.token_for(d.user) for d in docs},
            service.id,
            [p.id for p in people],
        )
    engine.dispose()
    return floor


class Driver:
    """The desk and the doctors at work: one coroutine per patient, from check-in to payment."""

    def __init__(self, http: httpx.AsyncClient, floor: Floor, rate: float, rng: random.Random) -> None:
        self.http, self.floor, self.rng = http, floor, rng
        self.visits_per_second = rate / DESK_EVENTS_PER_VISIT
        self.free = list(floor.patients)
        self.out = Driven()
        self.tasks: set[asyncio.Task[None]] = set()

    async def _ask(self, what: str, path: str, body: dict[str, Any], token: str) -> dict[str, Any] | None:
        started = time.perf_counter()
        try:
            r = await self.http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            self.out.answers[f"{what} {type(exc).__name__}"] += 1
            self.out.problems.append(f"{what} {body} -> {type(exc).__name__} {exc}")
            return None
        self.out.latencies.append((time.perf_counter() - started) * 1000)
        self.out.answers[f"{what} {r.status_code}"] += 1
        if r.status_code in (200, 201):
            return r.json()
        self.out.problems.append(f"{what} {body} -> {r.status_code} {r.text[:200]}")
        return None

    async def _pause(self, mean: float) -> None:
        await asyncio.sleep(self.rng.expovariate(1 / mean))

    async def patient(self) -> None:
        rng, fl = self.rng, self.floor
        if not self.free:
            self.out.problems.append("no free patient (seed more)")
            return
        patient = self.free.pop(rng.randrange(len(self.free)))
        doctor_id = rng.choice(list(fl.doctor_tokens))
        desk, doctor = fl.desk_token, fl.doctor_tokens[doctor_id]
        try:
            body = {"patient_id": patient, "doctor_id": doctor_id, "service_id": fl.service_id}
            visit = await self._ask("check-in", "/queue/checkin", body, desk)
            if visit is None:
                return
            self.out.visits += 1
            vid = visit["id"]
            await self._pause(0.5)
            if rng.random() < 0.5:
                priority = rng.choice(["URGENT", "EMERGENCY"])
                await self._ask("priority", "/queue/priority", {"visit_id": vid, "priority": priority}, desk)
                await self._pause(0.5)
            await self._ask("call", "/queue/call", {"visit_id": vid, "room": f"R{doctor_id}"}, desk)
            await self._pause(0.7)
            body = {"visit_id": vid, "phase": "with_doctor", "confirm": True}
            await self._ask("send", "/queue/phase/move", body, desk)
            await self._pause(0.8)
            body = {"visit_id": vid, "notes": "seen", "prescription": "rest"}
            await self._ask("complete", "/queue/complete-consultation", body, doctor)
            await self._pause(0.4)
            await self._ask("payment", "/payments", {"visit_id": vid, "status": "PAID"}, desk)
        finally:
            self.free.append(patient)

    async def run(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            task = asyncio.create_task(self.patient())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            await asyncio.sleep(self.rng.expovariate(self.visits_per_second))

    async def stop(self) -> None:
        """Leave every patient where they are (waiting, called, with the doctor, completed and unpaid), so the
        check afterwards compares full lists."""
        for task in self.tasks:
            task.cancel()
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


class AppProcess:
    def __init__(self, role: str, url: str, username: str, home: Path) -> None:
        self.role = role
        args = [sys.executable, str(ROOT / "benchmarks" / "_ui_apps.py"), role, url, username, f.PASSWORD, str(home)]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
        if os.environ.get("UI_STALL_GDB") == role:  # a crash's C++ backtrace (printed to stderr)
            args = ["gdb", "-q", "-batch", "-ex", "run", "-ex", "bt 40", "--args", *args]
        self.log_path = ROOT / ".pytest_cache" / f"ui_stall-{role}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True
            )

    async def line(self, prefix: str, timeout: float = 120) -> str:
        assert self.proc.stdout is not None
        stdout = self.proc.stdout
        while True:
            text = await asyncio.wait_for(asyncio.to_thread(stdout.readline), timeout)
            if not text:
                raise RuntimeError(f"{self.role} app ended (exit code {self.proc.wait()}); see {self.log_path}")
            if text.startswith(prefix):
                return text[len(prefix) :].strip()
            print(f"[{self.role}] {text}", end="", file=sys.stderr)

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        if self.proc.poll() is not None:
            print(f"[{self.role}] {self.proc.stdout.read() if self.proc.stdout else ''}", file=sys.stderr)
            raise RuntimeError(f"{self.role} app ended (exit code {self.proc.returncode}); see {self.log_path}")
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def bench(url: str, floor: Floor, args: argparse.Namespace, home: Path) -> tuple[list[dict[str, Any]], Driven]:
    apps = [
        AppProcess("reception", url, floor.receptionist, home / "reception"),
        AppProcess("doctor", url, floor.doctor, home / "doctor"),
        AppProcess("floor", url, floor.receptionist, home / "floor"),  # no app: the machine's own lateness
    ]
    try:
        for app in apps:
            await app.line("READY")
        # idle connections are dropped before uvicorn's 5 s keep-alive ends them (a reused one it is closing
        # fails with ReadError)
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=100, keepalive_expiry=2.0)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
            driver = Driver(http, floor, args.rate, random.Random(args.seed))
            await driver.run(args.warmup)  # the floor fills up: people waiting, with the doctor, completed
            for app in apps:
                app.send("START")
            await driver.run(args.seconds)
            for app in apps:
                app.send("STOP")
            await driver.stop()
        for app in apps:
            app.send("CHECK")
        results = [json.loads(await app.line("RESULT ")) for app in apps]
        return results, driver.out
    finally:
        for app in apps:
            app.stop()


def report(result: dict[str, Any], seconds: float) -> None:
    ticks = result["ticks"]
    late = [t[0] for t in ticks]
    stalls = [t for t in ticks if t[0] > STALL_MS]
    busy = [t for t in stalls if t[1] > STALL_MS]  # a stall even on an idle machine
    events = sum(result["events"].values())
    work = result["work"]
    name = "floor (no app, same loop and timer)" if result["role"] == "floor" else f"{result['role']} app"
    print(f"\n== {name}: {len(ticks)} ticks of a 10 ms timer over {result['recorded_s']:.1f} s")
    print(f"  lateness p50 {p50(late):.1f} ms, p99 {pct(late, 0.99):.1f} ms, max {max(late):.1f} ms")
    print(
        f"  stalls > {STALL_MS:.0f} ms: {len(stalls)}, of which with > {STALL_MS:.0f} ms of UI-thread CPU: {len(busy)};"
        f" UI-thread CPU in a stall: max {max((t[1] for t in stalls), default=0):.1f} ms"
    )
    cpu = [t[1] for t in ticks]
    print(
        f"  UI-thread CPU: {sum(cpu) / 10 / result['recorded_s']:.0f} % of a core; per 10 ms tick p99"
        f" {pct(cpu, 0.99):.1f} ms, max {max(cpu):.1f} ms (the longest stretch of work between two ticks)"
    )
    print(f"  each stall (late ms, UI-thread CPU ms): {result['profile']['stalls'][:15]}")
    if result["role"] == "floor":
        return
    print(f"  events received: {events} ({events / seconds:.0f}/s): {dict(sorted(result['events'].items()))}")
    print(f"  requests: {dict(sorted(result['requests'].items()))}")
    print(f"  model / view: {dict(sorted(result['model'].items()))}")
    print(f"  10 ms intervals with > 12 ms of UI-thread CPU: {work['count']}; sampled in them, by own path:")
    print(*[f"    {n:4d}  {k}" for k, n in work["own_paths"][:8]], sep="\n")
    print("  … and by their last three frames (ours or not):")
    print(*[f"    {n:4d}  {k}" for k, n in work["leaf"][:8]], sep="\n")
    state = result["state"]
    settled = f"settled in {result['settled_s']:.1f} s"
    print(f"  after the stream ({settled}): equals the server: {state['equal']} {state['sizes']}")
    for key, diff in state["diffs"].items():
        print(f"    {key}: shown {diff['shown'][:8]} … server {diff['server'][:8]} …")
    prof = result["profile"]
    if prof["own_paths"]:
        paths = [f"{n:4d}  {k}" for k, n in prof["own_paths"][:8]]
        print("  stall samples (> 50 ms late) by own path:", *paths, sep="\n    ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="how long the stream is recorded")
    parser.add_argument("--rate", type=float, default=100, help="events a second to the desk (and the doctor)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of stream before recording")
    parser.add_argument("--doctors", type=int, default=1, help="the app's doctor is one of them")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    print(f"ui_stall: {args.seconds:g} s at {args.rate:g} events/s, {args.doctors} doctor(s); load {os.getloadavg()}")
    db_url = create_test_database("clinic_ui_stall")
    server = None
    try:
        upgrade_to_head(db_url)
        floor = seed(db_url, args.doctors, args.patients)
        server = ServerProcess(db_url)
        server.start()
        with tempfile.TemporaryDirectory() as home:
            for role in ("reception", "doctor", "floor"):
                (Path(home) / role).mkdir()
            results, driven = asyncio.run(bench(server.url, floor, args, Path(home)))
    finally:
        if server is not None:
            server.stop()
        drop_test_database(db_url)
    lat = driven.latencies
    print(
        f"\ndriver: {driven.visits} patients, {len(lat)} requests, p50 {p50(lat):.0f} ms, p99 {pct(lat, 0.99):.0f} ms"
    )
    print(f"  answers: {dict(sorted(driven.answers.items()))}")
    for problem in driven.problems[:5]:
        print(f"  problem: {problem}")
    for result in results:
        report(result, result["recorded_s"])
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
