"""Server stopped → the status bar says offline and the app stays responsive; server back on the same port →
it reconnects by itself and refetches, so the board shows a change made while it was offline."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from client_reception.app import ReceptionApp
from client_reception.views.main_window import BOARD, PATIENTS
from common.enums import Phase
from tests.factories import make_visit
from tests.reception.conftest import Desk, close_app, login_through_dialog, settle
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


@pytest.fixture
def offline_app(qtbot, qloop, own_server, desk: Desk, settings) -> Iterator[ReceptionApp]:
    app = arun(qloop, login_through_dialog(qtbot, own_server.url, desk.receptionist.username, settings))
    app.window.resize(1360, 820)
    try:
        yield app
    finally:
        close_app(qloop, app)


async def in_thread(fn) -> None:
    """Run a blocking call (stop/start a process) without stalling the qasync loop the app runs on."""
    done = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()

    def work() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 (handed back to the awaiting coroutine)
            loop.call_soon_threadsafe(done.set_exception, exc)
        else:
            loop.call_soon_threadsafe(done.set_result, None)

    threading.Thread(target=work, daemon=True).start()
    await done


def test_offline_then_reconnect_and_refetch(offline_app: ReceptionApp, own_server, committed_db, desk, qtbot, qloop):
    app = offline_app
    window = app.window

    async def scenario() -> None:
        await until(lambda: window.indicator.state == "connected", timeout=10)
        assert app.board.model.entries() == []

        await in_thread(own_server.stop)
        await until(lambda: window.indicator.state == "offline", timeout=10)
        assert window.indicator.text == "Offline"
        assert "cannot be reached" in window.banner.text

        # still responsive: the user can navigate and act; a request fails with a human message
        window.nav.setCurrentRow(PATIENTS)
        assert window.stack.currentIndex() == PATIENTS
        qtbot.keyClicks(window.patients_view.search, "Gomez")
        await until(lambda: "Cannot reach the server" in window.banner.text, timeout=10)
        assert "Traceback" not in window.banner.text
        window.nav.setCurrentRow(BOARD)
        qtbot.mouseClick(window.board_view.refresh_button, Qt.MouseButton.LeftButton)
        await settle(app)
        screenshot(window, "reception_offline")

        # a change while the app was offline
        make_visit(committed_db, patient=desk.patients[0], doctor=desk.doctors[0], service=desk.services[0])
        committed_db.commit()

        await in_thread(own_server.start)
        await until(lambda: window.indicator.state == "connected", timeout=20)
        try:
            await until(
                lambda: [e.patient.full_name for e in app.board.model.entries(Phase.WAITING)] == ["Maria Gomez"]
            )
        except AssertionError:
            raise AssertionError(
                f"board not refetched: banner={window.banner.text!r}, fetches={app.board.fetch_count}"
            ) from None
        await settle(app)
        screenshot(window, "reception_reconnected")

    arun(qloop, scenario(), timeout=60)
    assert window.indicator.text == "Connected"
    assert "Cannot reach" not in window.banner.text  # the outage's messages went away with it
