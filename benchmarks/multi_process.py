"""Several processes: two clinic-server processes with REDIS_URL behind HAProxy (installer/haproxy/clinic.cfg),
against one process behind the same HAProxy. Prints the throughput of read routes (wrk through HAProxy) and checks
that pushes arrive once, in seq order per room, with no gap, at desk apps (common.client.live.LiveEvents) connected
through HAProxy and straight to each process while check-ins go through both processes at once.

Needs the Debian packages haproxy and wrk.

    .venv/bin/python benchmarks/multi_process.py [--seconds 5] [--changes 200]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from _bench import ROOT  # isort: skip
from read_routes import seed, wrk  # noqa: E402

from common import events as ev  # noqa: E402
from common.client.live import LiveEvents  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess, free_port  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/6"
TEMPLATE = ROOT / "installer" / "haproxy" / "clinic.cfg"


class HAProxy:
    """The shipped config with its addresses swapped for this run's ports (and a given number of processes)."""

    def __init__(self, backends: list[int]) -> None:
        self.port = free_port()
        cfg = TEMPLATE.read_text().replace("bind *:8000", f"bind 127.0.0.1:{self.port}")
        for line in ("    log /dev/log local0 warning\n", "    log global\n", "    option httplog\n"):
            cfg = cfg.replace(line, "")
        servers = "".join(
            f"    server app{i} 127.0.0.1:{port} check inter 2s fall 3 rise 2\n" for i, port in enumerate(backends, 1)
        )
        cfg = re.sub(r"(    server app\d .*\n)+", servers, cfg)
        self.path = Path(tempfile.mkdtemp()) / "haproxy.cfg"
        self.path.write_text(cfg)
        self.proc = subprocess.Popen(
            ["haproxy", "-db", "-f", str(self.path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    time.sleep(2.5)  # every backend's first health check
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("haproxy did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Recorder:
    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.resyncs: list[str] = []

    def on_event(self, name: str, payload: dict) -> None:
        if name == ev.NEW_CHECKIN:
            self.seqs.append(payload["seq"])

    def on_resync(self, reason: str) -> None:
        self.resyncs.append(reason)

    def on_state_changed(self, state: str) -> None:
        pass


async def pushes(urls: dict[str, str], lb: str, w: dict, changes: int) -> None:
    clients: list[tuple[str, LiveEvents, Recorder]] = []
    for label, url in urls.items():
        for transports in (["websocket"], None):  # websocket-only, and polling first (the apps' default)
            live, rec = LiveEvents(transports=transports), Recorder()
            live.add_listener(rec)
            assert await live.connect(url, w["desk"])
            clients.append((f"{label} ({'websocket' if transports else 'polling→ws'})", live, rec))
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=lb, headers={"Authorization": f"Bearer {w['desk']}"}, timeout=60) as http:
        sem = asyncio.Semaphore(16)

        async def one(i: int) -> None:
            body = {"patient_id": w["walk_ins"][i], "doctor_id": w["doctor_ids"][i % 3], "service_id": w["service_id"]}
            async with sem:
                r = await http.post("/queue/checkin", json=body)
                r.raise_for_status()

        await asyncio.gather(*(one(i) for i in range(changes)))
    elapsed = time.perf_counter() - started
    deadline = time.monotonic() + 20
    while any(len(rec.seqs) < changes for _, _, rec in clients) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    print(f"pushes: {changes} check-ins through HAProxy (both processes, 16 at a time) in {elapsed:.1f} s")
    for label, live, rec in clients:
        once = len(rec.seqs) == len(set(rec.seqs)) == changes
        ordered = rec.seqs == sorted(rec.seqs)
        gapless = bool(rec.seqs) and rec.seqs == list(range(rec.seqs[0], rec.seqs[0] + len(rec.seqs)))
        print(
            f"  {label:<34} received {len(rec.seqs):4d}  once {'yes' if once else 'NO'}  "
            f"in seq order {'yes' if ordered else 'NO'}  no gap {'yes' if gapless and not rec.resyncs else 'NO'}  "
            f"(put back in order: {live.reordered})"
        )
        await live.close()


def seed_walk_ins(url: str, n: int) -> dict:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from server.models import Clinic, Doctor, Service
    from tests import factories as f

    engine = create_engine(url)
    with Session(engine) as s:
        clinic_id = s.scalar(select(Doctor.clinic_id).limit(1))
        doctors = s.scalars(select(Doctor.id).where(Doctor.clinic_id == clinic_id).order_by(Doctor.id)).all()
        service = s.scalar(select(Service.id).where(Service.clinic_id == clinic_id))
        clinic = s.get(Clinic, clinic_id)
        patients = [f.make_patient(s, clinic) for _ in range(n)]
        s.commit()
        out = {"doctor_ids": list(doctors), "service_id": service, "walk_ins": [p.id for p in patients]}
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    url = create_test_database("clinic_bench")
    try:
        upgrade_to_head(url)
        w = seed(url)
        w.update(seed_walk_ins(url, args.changes))
        a = ServerProcess(url, redis_url=REDIS_URL)
        b = ServerProcess(url, redis_url=REDIS_URL)
        a.start()
        b.start()
        try:
            print(f"throughput through HAProxy: wrk -t1 -c{args.connections} -d{args.seconds}s")
            for label, who, path in [
                ("GET /queue (receptionist)", "desk", "/queue"),
                ("GET /patients", "desk", "/patients"),
                ("GET /dashboard/doctor", "doctor", "/dashboard/doctor"),
            ]:
                rates = []
                for backends in ([a.port], [a.port, b.port]):
                    lb = HAProxy(backends)
                    try:
                        rps, _p50, p99 = wrk(
                            lb.url + path, {"Authorization": f"Bearer {w[who]}"}, args.seconds, args.connections
                        )
                    finally:
                        lb.stop()
                    rates.append((rps, p99))
                (one, one99), (two, two99) = rates
                print(
                    f"  {label:<28} one process {one:7.0f} req/s (p99 {one99:6.1f} ms)   "
                    f"two {two:7.0f} req/s (p99 {two99:6.1f} ms)   x{two / one:4.2f}"
                )
            lb = HAProxy([a.port, b.port])
            try:
                asyncio.run(
                    pushes({"via HAProxy": lb.url, "process A": a.url, "process B": b.url}, lb.url, w, args.changes)
                )
            finally:
                lb.stop()
        finally:
            b.stop()
            a.stop()
    finally:
        drop_test_database(url)


if __name__ == "__main__":
    main()
