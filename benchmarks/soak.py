"""Soak: both desktop apps (reception + doctor, offscreen, in this process) against a real server for a given
number of minutes, with the board's live wait timers ticking and pushes arriving; prints memory and `None`
refcount drift (issue 10: an affected PySide6 aborted the desk after 7-9 minutes with `none_dealloc`).

Every `--every` seconds another desk checks a patient in and sends them to the doctor (the doctor's window gets
`patient_with_doctor`, the board gets `new_checkin` / `visit_status_changed`), the doctor completes the
consultation and the desk takes the payment. Three patients wait all along, so their cards tick every second.
Once a minute it prints RSS, `sys.getrefcount(None)`, the number of live Python objects, and how many cards
were painted and events received. It starts its own database and server and cleans up after itself; it never
calls the apps' refcount guard, so what it prints is what the installed PySide6 does.

    .venv/bin/python benchmarks/soak.py --minutes 30
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from client_doctor.app import DoctorSession  # noqa: E402
from client_doctor.settings import DoctorSettings  # noqa: E402
from client_reception.app import ReceptionApp  # noqa: E402
from client_reception.views.board_card import CardDelegate  # noqa: E402
from common.client.api import ApiClient  # noqa: E402
from common.enums import Role  # noqa: E402
from common.qt.gc_guard import MainThreadGarbageCollector  # noqa: E402
from server.core.migrations import upgrade_to_head  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


@dataclass
class Clinic:
    receptionist: str
    doctor: str
    doctor_id: int
    service_id: int
    patient_ids: list[int]


@dataclass
class Sample:
    minute: float
    rss_mb: float
    none_refs: int
    objects: int
    paints: int
    pushes: int
    desk_events: int
    cycles: int


@dataclass
class Counters:
    paints: int = 0
    pushes: int = 0
    desk_events: int = 0
    cycles: int = 0
    errors: list[str] = field(default_factory=list)


def seed(url: str, patients: int = 40) -> Clinic:
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        clinic = f.make_clinic(s)
        receptionist = f.make_user(s, role=Role.RECEPTIONIST, clinic=clinic)
        doctor = f.make_doctor(s, clinic)
        service = f.make_service(s, clinic)
        people = [f.make_patient(s, clinic) for _ in range(patients)]
        now = datetime.now(UTC)
        for i, patient in enumerate(people[:3]):  # they wait all along: their timers tick every second
            f.make_visit(
                s, patient=patient, doctor=doctor, service=service, check_in_time=now - timedelta(minutes=5 + 9 * i)
            )
        s.commit()
        result = Clinic(receptionist.username, doctor.user.username, doctor.id, service.id, [p.id for p in people[3:]])
    engine.dispose()
    return result


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sample(start: float, c: Counters) -> Sample:
    gc.collect()
    return Sample(
        (time.monotonic() - start) / 60,
        rss_mb(),
        sys.getrefcount(None),
        len(gc.get_objects()),
        c.paints,
        c.pushes,
        c.desk_events,
        c.cycles,
    )


async def one_cycle(desk: httpx.AsyncClient, doctor_api: ApiClient, clinic: Clinic, n: int) -> None:
    """Another desk checks a patient in and sends them in; the doctor completes; the desk takes the payment."""
    patient_id = clinic.patient_ids[n % len(clinic.patient_ids)]
    body = {"patient_id": patient_id, "doctor_id": clinic.doctor_id, "service_id": clinic.service_id}
    visit = (await desk.post("/queue/checkin", json=body)).raise_for_status().json()
    await asyncio.sleep(1)
    (await desk.post("/queue/phase/move", json={"visit_id": visit["id"], "phase": "with_doctor"})).raise_for_status()
    await asyncio.sleep(2)
    await doctor_api.complete_consultation(visit["id"], notes=f"soak {n}", prescription="rest")
    await asyncio.sleep(1)
    (await desk.post("/payments", json={"visit_id": visit["id"], "status": "PAID"})).raise_for_status()


async def soak(url: str, clinic: Clinic, minutes: float, every: float, home: Path) -> list[Sample]:
    counters = Counters()
    original_paint = CardDelegate.paint

    def counting_paint(self, painter, option, index) -> None:  # noqa: ANN001
        counters.paints += 1
        original_paint(self, painter, option, index)

    CardDelegate.paint = counting_paint  # type: ignore[method-assign]  # counts paints

    reception_api, doctor_api = ApiClient(url), ApiClient(url)
    await reception_api.login(clinic.receptionist, f.PASSWORD)
    await doctor_api.login(clinic.doctor, f.PASSWORD)
    assert reception_api.user is not None and reception_api.user.clinic_id is not None
    desk_clinic = await reception_api.get_clinic(reception_api.user.clinic_id)
    reception = ReceptionApp(reception_api, reception_api.user, desk_clinic)
    await reception.start(show=True)
    reception.window.resize(1360, 820)
    settings = DoctorSettings(QSettings(str(home / "doctor.ini"), QSettings.Format.IniFormat))
    doctor = await DoctorSession.start(doctor_api, settings=settings, drafts_dir=home / "drafts", show=True)
    doctor.bridge.patient_with_doctor.connect(lambda *_: setattr(counters, "pushes", counters.pushes + 1))
    reception.bridge.event.connect(lambda *_: setattr(counters, "desk_events", counters.desk_events + 1))

    samples: list[Sample] = []
    start = time.monotonic()
    end = start + minutes * 60
    next_sample = start + 60
    samples.append(sample(start, counters))
    print(_header(), flush=True)
    print(_row(samples[-1]), flush=True)
    async with httpx.AsyncClient(base_url=url, timeout=10) as desk:
        token = (await desk.post("/auth/login", json={"username": clinic.receptionist, "password": f.PASSWORD})).json()
        desk.headers["Authorization"] = f"Bearer {token['access_token']}"
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                await one_cycle(desk, doctor_api, clinic, counters.cycles)
                counters.cycles += 1
            except Exception as exc:  # report and go on: the point is how the apps behave over time
                counters.errors.append(f"{type(exc).__name__}: {exc}")
            # the doctor returns to Today's Work between patients, as in the consulting room
            if doctor.window.in_consultation:
                doctor.window.back()
            while time.monotonic() < min(started + every, end):
                await asyncio.sleep(0.5)
                if time.monotonic() >= next_sample:
                    samples.append(sample(start, counters))
                    print(_row(samples[-1]), flush=True)
                    next_sample += 60
    samples.append(sample(start, counters))
    print(_row(samples[-1]), flush=True)
    await doctor.aclose()
    await reception.aclose()
    await reception_api.aclose()
    await doctor_api.aclose()
    CardDelegate.paint = original_paint  # type: ignore[method-assign]  # restores paint
    if counters.errors:
        print(f"{len(counters.errors)} cycle errors, first: {counters.errors[0]}")
    return samples


def _header() -> str:
    return "minute    RSS MB   None refs   objects   card paints  pushes  desk events  cycles"


def _row(s: Sample) -> str:
    return (
        f"{s.minute:6.1f}  {s.rss_mb:8.1f}  {s.none_refs:10d}  {s.objects:8d}  {s.paints:12d}  {s.pushes:6d}"
        f"  {s.desk_events:11d}  {s.cycles:6d}"
    )


def report(samples: list[Sample]) -> None:
    first = samples[1] if len(samples) > 2 else samples[0]  # after a minute's warm-up (caches, fonts, pools)
    last = samples[-1]
    span = max(last.minute - first.minute, 1e-9)
    print()
    print(f"drift from minute {first.minute:.1f} to {last.minute:.1f} ({span:.1f} min):")
    print(
        f"  RSS            {last.rss_mb - first.rss_mb:+8.1f} MB   ({(last.rss_mb - first.rss_mb) / span:+.2f} MB/min)"
    )
    print(f"  None refcount  {last.none_refs - first.none_refs:+8d}      (an affected PySide6 loses millions)")
    print(f"  live objects   {last.objects - first.objects:+8d}")
    print(f"  card paints    {last.paints - first.paints:8d}, pushes {last.pushes}, cycles {last.cycles}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=20, help="seconds between check-in → payment cycles")
    args = parser.parse_args()

    import PySide6

    print(
        f"soak: {args.minutes:g} min, a cycle every {args.every:g} s, PySide6 {PySide6.__version__}, "
        f"Python {sys.version.split()[0]}",
        flush=True,
    )
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)  # closing the apps' windows at the end must not stop the loop
    collector = MainThreadGarbageCollector(parent=app)
    db_url = create_test_database("clinic_soak")
    server = None
    try:
        upgrade_to_head(db_url)
        clinic = seed(db_url)
        server = ServerProcess(db_url)
        server.start()
        with tempfile.TemporaryDirectory() as home:
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            samples = loop.run_until_complete(soak(server.url, clinic, args.minutes, args.every, Path(home)))
            loop.close()
        report(samples)
    finally:
        collector.stop()
        if server is not None:
            server.stop()
        drop_test_database(db_url)


if __name__ == "__main__":
    main()
