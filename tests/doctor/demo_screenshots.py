"""Screenshots of the doctor app on realistic data, for the README (not a test).

Start the demo server first (`clinic-server demo --port 8766`), then:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.doctor.demo_screenshots --url http://127.0.0.1:8766

It logs in as dr.house, saves Today's Work, a consultation (with typed notes, never completed), My Earnings,
My Patients (first patient selected) and Schedule as docs/screenshots/doctor_*.png.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]


async def _until(cond: Callable[[], object], timeout: float = 10) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        if loop.time() > end:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.05)


async def shoot(url: str, username: str, password: str, out: Path) -> None:
    from PySide6.QtCore import QSettings

    from client_doctor.app import DoctorSession
    from client_doctor.settings import DoctorSettings
    from common.client.api import ApiClient

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        api = ApiClient(url)
        await api.login(username, password)
        settings = DoctorSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        session = await DoctorSession.start(api, settings=settings, drafts_dir=Path(tmp) / "drafts")
        w = session.window
        w.resize(1280, 800)
        try:
            await _until(lambda: w.today_vm.dashboard is not None)
            await asyncio.sleep(0.5)
            w.grab().save(str(out / "doctor_today.png"))
            visits = w.today_vm.active_visits or w.today_vm.next_waiting
            if w.today_vm.active_visits:
                w.open_consultation(visits[0].id)
                await _until(lambda: w.consultation_vm.data is not None)
                w.consultation_view.notes.setPlainText(
                    "Afebrile. Chest clear. Likely viral upper respiratory infection."
                )
                w.consultation_view.prescription.setPlainText("Paracetamol 500 mg every 6 h as needed, 3 days")
                await asyncio.sleep(0.3)
                w.grab().save(str(out / "doctor_consultation.png"))
                w.consultation_vm.drafts.clear(visits[0].id)
                w.consultation_view.back.click()
            for index, name in ((1, "earnings"), (2, "patients"), (3, "schedule")):
                w.nav.setCurrentRow(index)
                await asyncio.sleep(1.5)
                if index == 2 and w.patients_vm.model.loaded:
                    w.patients_view.table.selectRow(0)
                    await asyncio.sleep(1.0)
                w.grab().save(str(out / f"doctor_{name}.png"))
        finally:
            await session.aclose()
            await api.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description="doctor app screenshots on demo data")
    parser.add_argument("--url", default="http://127.0.0.1:8766")
    parser.add_argument("--username", default="dr.house")
    parser.add_argument("--password", default="demo1234")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    app.setOrganizationName("ClinicCRM")
    qasync.run(shoot(args.url, args.username, args.password, args.out))


if __name__ == "__main__":
    main()
