"""Read routes against the read floor (a bare FastAPI sync route doing one pooled psycopg2 `SELECT 1` and answering
10 items, benchmarks/floors.py), with wrk: one thread, 32 connections, N seconds each. The floor is measured right
before each route, so each ratio compares two runs a few seconds apart on the same machine. Prints req/s, p50/p99
and the ratio of throughputs; asserts nothing.

The clinic is a busy day: 3 doctors, 30 visits today (waiting, with the doctor, completed with payments), 60 past
visits, 20 upcoming appointments.

    .venv/bin/python benchmarks/read_routes.py [--seconds 5] [--connections 32]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from _bench import Floor, breakdown, py_spy  # isort: skip
from common.enums import AppointmentStatus, PaymentStatus, Role, VisitStatus  # noqa: E402
from common.events import ROOM_SEQ_HEADER, clinic_room, doctor_room  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from server.models import Appointment  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

TARGETS = {"/queue": 1.0, "/dashboard/doctor": 0.5}  # issue 11; every other read route: 0.3


def seed(url: str) -> dict:
    engine = create_engine(url)
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as s:
        clinic = f.make_clinic(s)
        desk = f.make_user(s, role=Role.RECEPTIONIST, clinic=clinic)
        doctors = [f.make_doctor(s, clinic) for _ in range(3)]
        service = f.make_service(s, clinic)
        patients = [f.make_patient(s, clinic) for _ in range(40)]
        statuses = [VisitStatus.WAITING] * 12 + [VisitStatus.IN_PROGRESS] * 3 + [VisitStatus.COMPLETED] * 15
        for i, status in enumerate(statuses):
            v = f.make_visit(
                s,
                patient=patients[i],
                doctor=doctors[i % 3],
                service=service,
                status=status,
                check_in_time=now - timedelta(minutes=5 * (30 - i)),
                queue_number=i + 1,
            )
            if status == VisitStatus.COMPLETED:
                f.make_payment(s, v, status=PaymentStatus.PAID if i % 4 else PaymentStatus.PENDING)
        for i in range(60):
            day = now - timedelta(days=1 + i // 3)
            v = f.make_visit(
                s,
                patient=patients[i % 40],
                doctor=doctors[0],
                service=service,
                status=VisitStatus.COMPLETED,
                check_in_time=day,
                queue_date=day.date(),
                queue_number=100 + i,
            )
            f.make_payment(s, v)
        for i in range(20):
            s.add(
                Appointment(
                    clinic_id=clinic.id,
                    patient_id=patients[i].id,
                    doctor_id=doctors[i % 3].id,
                    service_id=service.id,
                    start_time=now + timedelta(hours=2 + i),
                    end_time=now + timedelta(hours=2 + i, minutes=30),
                    status=AppointmentStatus.CONFIRMED,
                    notes="",
                )
            )
        s.commit()
        out = {
            "desk": f.token_for(desk),
            "doctor": f.token_for(doctors[0].user),
            "doctor_id": doctors[0].id,
            "clinic_id": clinic.id,
            "patient_id": patients[0].id,
        }
    engine.dispose()
    return out


def routes(w: dict) -> list[tuple[str, str, str]]:
    """(label, who, path); `#seq`: with X-Room-Seq as the apps send it (the room's seq they heard), `#etag`: with
    the If-None-Match of the answer they hold."""
    return [
        ("GET /queue (receptionist), no X-Room-Seq", "desk", "/queue"),
        ("GET /queue + If-None-Match (304), no X-Room-Seq", "desk", "/queue#etag"),
        ("GET /queue + X-Room-Seq (as the apps)", "desk", "/queue#seq"),
        ("GET /queue + X-Room-Seq + If-None-Match (304)", "desk", "/queue#seq#etag"),
        ("GET /dashboard/doctor, no X-Room-Seq", "doctor", "/dashboard/doctor"),
        ("GET /dashboard/doctor + If-None-Match, no X-Room-Seq", "doctor", "/dashboard/doctor#etag"),
        ("GET /dashboard/doctor + X-Room-Seq (as the apps)", "doctor", "/dashboard/doctor#seq"),
        ("GET /dashboard/doctor + X-Room-Seq + If-None-Match", "doctor", "/dashboard/doctor#seq#etag"),
        ("GET /doctors", "desk", "/doctors"),
        *[
            (label + suffix, who, path + flag)
            for label, who, path in (
                ("GET /dashboard/reception", "desk", "/dashboard/reception"),
                ("GET /appointments", "desk", "/appointments"),
                ("GET /payments", "desk", "/payments"),
                ("GET /patients", "desk", "/patients"),
                ("GET /doctors/earnings", "doctor", "/doctors/earnings"),
                ("GET /doctors/patients", "doctor", "/doctors/patients"),
                ("GET /dashboard/doctor/appointments", "doctor", "/dashboard/doctor/appointments"),
                (
                    "GET /patients/{id}/history/{doctor}",
                    "doctor",
                    f"/patients/{w['patient_id']}/history/{w['doctor_id']}",
                ),
            )
            for suffix, flag in (("", ""), (" + X-Room-Seq (as the apps)", "#seq"))
        ],
    ]


def room_seq(url: str, w: dict, who: str) -> str:
    """The X-Room-Seq an app would send: the seq of the reader's room (the desk's, or the doctor's own), as its last
    event said (read here from the database: nothing changes during the run)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        if who == "desk":
            seq = conn.execute(text("SELECT event_seq FROM clinics WHERE id = :i"), {"i": w["clinic_id"]}).scalar()
            room = clinic_room(w["clinic_id"])
        else:
            seq = conn.execute(text("SELECT event_seq FROM doctors WHERE id = :i"), {"i": w["doctor_id"]}).scalar()
            room = doctor_room(w["doctor_id"])
    engine.dispose()
    return f"{room}={seq}"


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> tuple[float, float, float]:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pcts = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error answers\n{out}")
    return rps, pcts.get("50", 0.0), pcts.get("99", 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", help="a substring of the route labels to run")
    parser.add_argument("--profile", action="store_true", help="py-spy the product server during each route's run")
    args = parser.parse_args()
    url = create_test_database("clinic_bench")
    floor = Floor("read", db_url=url)
    try:
        upgrade_to_head(url)
        w = seed(url)
        server = ServerProcess(url)
        server.start()
        try:
            print(
                f"read routes vs floor: wrk -t1 -c{args.connections} -d{args.seconds}s; "
                "the floor run just before each route"
            )
            print(f"  {'route':<46} {'req/s':>8} {'p50':>8} {'p99':>8} | {'floor':>8} {'p99':>8} | ratio  target")
            for label, who, path in routes(w):
                if args.only and args.only not in label:
                    continue
                headers = {"Authorization": f"Bearer {w[who]}"}
                path, *flags = path.split("#")
                if "seq" in flags:
                    headers[ROOM_SEQ_HEADER] = room_seq(url, w, who)
                r = httpx.get(server.url + path, headers=headers)  # fills the caches, as the app's first fetch
                assert r.status_code == 200, r.text
                if "etag" in flags:
                    headers["If-None-Match"] = r.headers["etag"]
                f_rps, _f50, f99 = wrk(floor.url + "/floor", {}, args.seconds, args.connections)
                raw = Path(tempfile.mkdtemp()) / "read.txt"
                assert server.proc is not None
                with py_spy(server.proc.pid, raw, enabled=args.profile):
                    rps, p50, p99 = wrk(server.url + path, headers, args.seconds, args.connections)
                target = TARGETS.get(path, 0.3)
                ratio = rps / f_rps
                verdict = "met" if ratio >= target else "NOT met"
                print(
                    f"  {label:<46} {rps:8.0f} {p50:6.1f}ms {p99:6.1f}ms | {f_rps:8.0f} {f99:6.1f}ms | "
                    f"{ratio:5.2f}  >= {target} {verdict}"
                )
                if args.profile:
                    print(breakdown(raw, top=12))
        finally:
            server.stop()
    finally:
        floor.stop()
        drop_test_database(url)


if __name__ == "__main__":
    main()
