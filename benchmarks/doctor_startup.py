"""Doctor app startup: from spawning `python -m client_doctor` until its logged-in Today's Work window is shown and
filled from the server (the app prints CLINIC_DOCTOR_READY when CLINIC_DOCTOR_READY_MARKER=1 asks it to).

By default it starts its own server on a fresh PostgreSQL database (as the tests do) and seeds one doctor with a
few patients; with `--url` it uses a running server and `--username/--password` (e.g. `clinic-server demo`).
The app runs offscreen unless `--show`. Prints the figures; asserts nothing.

    .venv/bin/python benchmarks/doctor_startup.py [--runs 5] [--url http://127.0.0.1:8000 --username u --password p]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from client_doctor.__main__ import READY_MARKER  # noqa: E402
from common.enums import Role, VisitStatus  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


def seed(url: str) -> str:
    """One clinic, a doctor with a day's queue and some history; returns the doctor's username."""
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        clinic = f.make_clinic(s)
        f.make_user(s, role=Role.RECEPTIONIST, clinic=clinic)
        doctor = f.make_doctor(s, clinic)
        service = f.make_service(s, clinic)
        now = datetime.now(UTC)
        for i in range(20):
            patient = f.make_patient(s, clinic)
            past = f.make_visit(
                s,
                patient=patient,
                doctor=doctor,
                service=service,
                status=VisitStatus.COMPLETED,
                check_in_time=now - timedelta(days=i + 1),
            )
            f.make_payment(s, past)
            if i < 5:
                f.make_visit(s, patient=patient, doctor=doctor, service=service, check_in_time=now)
        s.commit()
        username = doctor.user.username
    engine.dispose()
    return username


def one_run(url: str, username: str, password: str, *, show: bool, timeout: float) -> float:
    """Seconds from spawning the app process to its ready marker."""
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "CLINIC_SERVER_URL": url,
            "CLINIC_DOCTOR_AUTOLOGIN": f"{username}:{password}",
            "CLINIC_DOCTOR_READY_MARKER": "1",
            "CLINIC_DOCTOR_DATA_DIR": home,
            "XDG_CONFIG_HOME": home,  # a clean QSettings per run
            # its own single-instance name: a doctor app already open for this user would take the start over
            "CLINIC_INSTANCE_NAME": f"clinic-doctor-startup-{os.getpid()}",
            "PYTHONUNBUFFERED": "1",
        }
        if not show:
            env["QT_QPA_PLATFORM"] = "offscreen"
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "client_doctor"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proc.stdout is not None
            deadline = started + timeout
            for line in proc.stdout:
                if line.strip() == READY_MARKER:
                    return time.perf_counter() - started
                if time.perf_counter() > deadline:
                    break
            raise RuntimeError(f"the app did not report ready (exit code {proc.poll()})")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def import_time() -> float:
    """Seconds for a bare interpreter to import the app's modules (a floor under the startup time)."""
    code = "import client_doctor.app"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--username")
    parser.add_argument("--password", default=f.PASSWORD)
    parser.add_argument("--show", action="store_true", help="show the window (default: offscreen)")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()

    db_url = server = None
    try:
        if args.url:
            if not args.username:
                parser.error("--url needs --username (and --password)")
            url, username = args.url, args.username
        else:
            db_url = create_test_database("clinic_bench")
            upgrade_to_head(db_url)
            username = seed(db_url)
            server = ServerProcess(db_url)
            server.start()
            url = server.url
        one_run(url, username, args.password, show=args.show, timeout=args.timeout)  # warm-up: disk caches, .pyc
        times = [one_run(url, username, args.password, show=args.show, timeout=args.timeout) for _ in range(args.runs)]
        imports = import_time()
    finally:
        if server is not None:
            server.stop()
        if db_url is not None:
            drop_test_database(db_url)

    ms = [t * 1000 for t in times]
    print(f"doctor app startup to a filled Today's Work window, {args.runs} runs after one warm-up:")
    print(f"  min {min(ms):.0f} ms   median {statistics.median(ms):.0f} ms   max {max(ms):.0f} ms")
    print(f"  (bare interpreter + imports of the app's modules: {imports * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
