"""Issue 14, item 8: offline on the doctor side shows the same banner as reception (not only a red dot), and
when the server is back the outage's messages go — including a stale "Cannot reach the server" error from a
refresh attempted meanwhile — while the dot says Connected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from client_doctor.app import DoctorSession
from client_doctor.settings import DoctorSettings
from common.client.api import ApiClient
from common.qt.banner import OFFLINE_MESSAGE
from tests.doctor.seed import Scene
from tests.factories import PASSWORD
from tests.reception.test_offline import in_thread
from tests.support.qt import arun, screenshot, until
from tests.support.server_process import ServerProcess


@pytest.fixture
def own_server(database_url: str) -> Iterator[ServerProcess]:
    """A server of this test's own (the shared one must not be stopped under other tests)."""
    server = ServerProcess(database_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_offline_banner_and_stale_errors_cleared_on_reconnect(qloop, qtbot, own_server, scene: Scene, tmp_path: Path):
    async def scenario() -> None:
        api = ApiClient(own_server.url)
        await api.login(scene.doctor_username, PASSWORD)
        settings = DoctorSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        session = await DoctorSession.start(api, settings=settings, drafts_dir=tmp_path / "drafts")
        w = session.window
        w.resize(1280, 800)
        try:
            await until(lambda: w.indicator.state == "connected", 10)
            assert not w.banner.isVisible()

            await in_thread(own_server.stop)
            await until(lambda: w.indicator.state == "offline", 15)
            assert w.banner.isVisible() and w.banner.text == OFFLINE_MESSAGE and w.banner.kind == "warning"

            # A refresh meanwhile fails with a human message (the stale error of the bug report).
            w.nav.setCurrentRow(3)
            qtbot.mouseClick(w.schedule_view.refresh, Qt.MouseButton.LeftButton)
            await until(lambda: w.banner.text.startswith("Cannot reach the server"), 10)
            screenshot(w, "doctor_offline")

            await in_thread(own_server.start)
            await until(lambda: w.indicator.state == "connected", 25)
            await until(lambda: not w.banner.isVisible(), 5, f"stale banner: {w.banner.text!r}")
            assert w.indicator.text == "Connected"
            # and what failed while offline is fetched again by itself (the reconnect's resync)
            await until(lambda: scene.appointment.id in w.schedule_view.appointment_ids(), 15, "no refetch")
            screenshot(w, "doctor_reconnected")

            # An error that has nothing to do with the outage is not swept away by a reconnect.
            w.banner.show_error("This visit was changed elsewhere.")
            w.set_connection_state("connected")
            assert w.banner.isVisible()
        finally:
            await session.aclose()
            await api.aclose()

    arun(qloop, scenario(), timeout=90)
