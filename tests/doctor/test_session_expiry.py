"""Issue 12: the doctor's session ends mid-consultation: the sign-in dialog comes up over the window, the notes
being typed stay on screen, and after signing in they reach the server for their own visit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy.orm import Session

from server.models import Visit
from tests.doctor.helpers import ok, reception_http
from tests.doctor.seed import Scene
from tests.factories import PASSWORD
from tests.support.qt import arun, screenshot, until


def test_an_ended_session_mid_consultation_keeps_the_notes_and_saves_them_after_sign_in(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post("/queue/phase/move", json={"visit_id": scene.visit.id, "phase": "with_doctor"}))
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        view = w.consultation_view
        await until(lambda: not view.notes.isReadOnly(), 5)
        qtbot.keyClicks(view.notes, "Palpitations, ")
        await until(lambda: view.draft_state.text() == "Draft saved", 10)

        session.api.access_token = "expired"
        session.api.refresh_token = "revoked"
        qtbot.keyClicks(view.notes, "worse at night")
        await until(lambda: session.session_guard.asking and session.session_guard.dialog.isVisible(), 10, "no dialog")
        dialog = session.session_guard.dialog
        assert dialog is not None and dialog.isVisible() and dialog.parent() is w
        assert w.in_consultation and view.notes.toPlainText() == "Palpitations, worse at night"
        screenshot(w, "doctor_session_ended_window")

        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        await until(lambda: not session.session_guard.asking, 10)
        await until(lambda: session.live.connected, 10)

        def stored() -> str | None:
            committed_db.expire_all()
            return committed_db.get(Visit, scene.visit.id).notes

        await until(lambda: stored() == "Palpitations, worse at night", 10, "the notes did not reach the server")
        assert w.in_consultation and w.consultation_vm.visit_id == scene.visit.id
        assert view.notes.toPlainText() == "Palpitations, worse at night"

    arun(qloop, scenario(), timeout=45)
