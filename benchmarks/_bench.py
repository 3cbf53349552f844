"""Shared by the benchmarks: percentiles, the floor processes, a many-clinic seed and py-spy around a server."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.enums import Role  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.server_process import free_port  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    return pct(values, 0.99)


class Floor:
    """One floor app (benchmarks/floors.py) as a subprocess on a free port."""

    def __init__(self, kind: str, db_url: str | None = None) -> None:
        self.kind = kind
        self.port = free_port()
        args = [sys.executable, str(ROOT / "benchmarks" / "floors.py"), kind, "--port", str(self.port)]
        if db_url:
            args += ["--db", db_url]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/docs", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"floor {kind} did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@dataclass
class SeededClinic:
    clinic_id: int
    service_id: int
    reception_tokens: list[str]
    doctors: list[tuple[int, str]]  # (doctor id, token)
    patient_ids: list[int] = field(default_factory=list)


def seed_clinics(
    url: str, clinics: int, receptions: int, doctors: int, patients: int, history: int
) -> list[SeededClinic]:
    """`clinics` clinics, each with its receptionists, doctors, one service and `patients` patients; every patient
    has `history` completed visits with each doctor of the clinic (inserted by SQL, so a push carries a real
    10-visit history)."""
    engine = create_engine(url)
    out: list[SeededClinic] = []
    with Session(engine, expire_on_commit=False) as s:
        for _ in range(clinics):
            clinic = f.make_clinic(s)
            recs = [f.make_user(s, role=Role.RECEPTIONIST, clinic=clinic) for _ in range(receptions)]
            docs = [f.make_doctor(s, clinic) for _ in range(doctors)]
            service = f.make_service(s, clinic)
            pats = [f.make_patient(s, clinic) for _ in range(patients)]
            s.flush()
            out.append(
                SeededClinic(
                    clinic.id,
                    service.id,
                    [f.token_for(r) for r in recs],
                    [(d.id, f.token_for(d.user)) for d in docs],
                    [p.id for p in pats],
                )
            )
        s.commit()
    if history:
        with engine.begin() as conn:
            conn.execute(
                text(
                    """
                    INSERT INTO visits (clinic_id, patient_id, doctor_id, service_id, queue_date, queue_number,
                                        status, check_in_time, start_time, end_time, notes, prescription,
                                        checkin_note, version, priority, room, created_at, updated_at)
                    SELECT p.clinic_id, p.id, d.id, sv.id,
                           (now() - make_interval(days => g))::date,
                           -- unique per clinic and day: one number per (patient, doctor)
                           row_number() OVER (PARTITION BY p.clinic_id, g ORDER BY p.id, d.id),
                           'COMPLETED', now() - make_interval(days => g), now() - make_interval(days => g),
                           now() - make_interval(days => g) + interval '20 minutes',
                           'notes of an earlier visit', 'a prescription', '', 2, 'NORMAL', '', now(), now()
                    FROM patients p
                    JOIN doctors d ON d.clinic_id = p.clinic_id
                    JOIN services sv ON sv.clinic_id = p.clinic_id
                    CROSS JOIN generate_series(1, :history) AS g
                    """
                ),
                {"history": history},
            )
    engine.dispose()
    return out


@contextmanager
def py_spy(pid: int, out: Path, *, enabled: bool = True, rate: int = 250):
    """py-spy record (raw collapsed stacks, all threads, idle frames left out) while the block runs."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not enabled or not os.path.exists(exe):
        yield None
        return
    proc = subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--output",
            str(out),
            "--rate",
            str(rate),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # let it attach
    try:
        yield out
    finally:
        proc.send_signal(2)  # SIGINT: py-spy writes the file and exits
        proc.wait(30)


# Where a sample's time goes: the first rule whose marker is in the stack (leaf-most marker wins) names it.
BUCKETS: list[tuple[str, str]] = [
    ("psycopg2 / PostgreSQL round trips", "psycopg2"),
    ("psycopg2 / PostgreSQL round trips", "do_execute"),
    ("password / JWT", "jwt"),
    ("pydantic validation / serialisation", "pydantic"),
    ("SQLAlchemy ORM (loading, flush, identity map)", "sqlalchemy/orm"),
    ("SQLAlchemy core (compile, pool, execute)", "sqlalchemy"),
    ("socket.io / engine.io emit", "socketio"),
    ("socket.io / engine.io emit", "engineio"),
    ("websocket frames", "websockets"),
    ("HTTP parsing / ASGI (uvicorn, starlette)", "uvicorn"),
    ("HTTP parsing / ASGI (uvicorn, starlette)", "starlette"),
    ("FastAPI routing / dependencies", "fastapi"),
    ("logging", "logging"),
    ("asyncio loop / threads", "asyncio"),
    ("asyncio loop / threads", "threading"),
    ("asyncio loop / threads", "concurrent"),
]


def breakdown(raw: Path, top: int = 25) -> str:
    """Sum collapsed stacks into buckets and the hottest own-code frames; returns a printable report."""
    if not raw.exists():
        return "(no profile: py-spy missing or not permitted)"
    buckets: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        name = "other"
        for frame in reversed(frames):  # leaf first
            hit = next((b for b, marker in BUCKETS if marker in frame), None)
            if hit:
                name = hit
                break
        buckets[name] += n
        for frame in reversed(frames):
            if any(part in frame for part in ("server/", "common/")) and "site-packages" not in frame:
                ours[frame.split(" (")[0] + " (" + frame.split(" (")[-1].split(":")[0].split("/")[-1] + ")"] += n
                break
    lines = [f"{total} samples"]
    for name, n in buckets.most_common():
        lines.append(f"  {100 * n / max(total, 1):5.1f}%  {name}")
    lines.append("  deepest own frame (server/, common/) per sample:")
    for name, n in ours.most_common(top):
        lines.append(f"  {100 * n / max(total, 1):5.1f}%  {name}")
    return "\n".join(lines)
