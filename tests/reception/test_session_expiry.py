"""Issue 12: when the server ends the session, the sign-in dialog comes up over the reception window and the
work on screen stays; after signing in the same window goes on (same client, live again, board refetched)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from client_reception.app import ReceptionApp
from client_reception.views.main_window import BOARD, CHECKIN
from tests.factories import PASSWORD
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


def test_an_ended_session_asks_to_sign_in_over_the_window_and_keeps_the_work(
    reception: ReceptionApp, qtbot, qloop, desk: Desk
):
    app = reception
    window = app.window
    view = window.checkin_view

    async def scenario() -> None:
        await until(lambda: app.live.connected, 10)
        window.nav.setCurrentRow(CHECKIN)
        await settle(app)
        qtbot.keyClicks(view.patient_search, "Gom")  # half-done work on screen
        await settle(app)
        # The server no longer accepts this session (an admin reset the password, the refresh token expired).
        app.api.access_token = "expired"
        app.api.refresh_token = "revoked"
        window.nav.setCurrentRow(BOARD)
        window.board_view.refresh_button.click()
        await until(lambda: app.session_guard.asking and app.session_guard.dialog.isVisible(), 10, "no sign-in dialog")
        dialog = app.session_guard.dialog
        assert dialog is not None and dialog.isVisible() and dialog.parent() is window
        assert window.isVisible()
        assert dialog.username_edit.text() == desk.receptionist.username and dialog.server_edit.isReadOnly()
        assert "Sign in again" in dialog.message
        screenshot(window, "reception_session_ended_window")
        screenshot(dialog, "reception_session_ended_dialog")

        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        await until(lambda: not app.session_guard.asking, 10, "the dialog did not go away")
        await until(lambda: app.live.connected, 10, "live events did not come back")
        assert app.api.access_token not in (None, "expired")
        await settle(app)  # the resync after signing in (the refresh button is disabled while the board loads)
        fetches = app.board.fetch_count
        assert window.board_view.refresh_button.isEnabled()
        window.board_view.refresh_button.click()
        await until(lambda: app.board.fetch_count > fetches, 10)
        await settle(app)
        assert view.patient_search.text() == "Gom"  # the work stayed on screen

    arun(qloop, scenario(), timeout=40)
