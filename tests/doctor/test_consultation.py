"""Completing a consultation through the UI; drafts; refusals; shortcuts."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import socketio
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy.orm import Session

from common import events as ev
from common.enums import AppointmentStatus, VisitStatus
from server.models import Appointment, Visit
from tests.doctor.helpers import ok, reception_http
from tests.doctor.seed import Scene
from tests.factories import auth, token_for
from tests.support.qt import arun, screenshot, until


async def _open_pushed(open_app, base_url: str, scene: Scene):  # noqa: ANN001, ANN202
    """The doctor's app with the scene's visit sent in and its consultation open and editable."""
    session = await open_app(scene.doctor_username)
    w = session.window
    await _send_in(base_url, scene)
    await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
    await until(lambda: not w.consultation_view.notes.isReadOnly(), 5)
    return session, w, w.consultation_view


async def _send_in(base_url: str, scene: Scene) -> None:
    async with reception_http(base_url, scene.receptionist) as http:
        ok(await http.post("/queue/phase/move", json={"visit_id": scene.visit.id, "phase": "with_doctor"}))


def test_complete_through_ui_updates_server_and_reaches_reception(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    received: list[dict[str, Any]] = []

    async def scenario() -> None:
        reception = socketio.AsyncClient(reconnection=False)
        reception.on(ev.CONSULTATION_COMPLETED, lambda data: received.append(data))
        await reception.connect(live_server.url, auth={"token": token_for(scene.receptionist)}, wait_timeout=5)
        try:
            session = await open_app(scene.doctor_username)
            w = session.window
            await _send_in(live_server.url, scene)
            await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
            view = w.consultation_view
            qtbot.keyClicks(view.notes, "Murmur grade II; ECG normal")
            qtbot.keyClicks(view.prescription, "Bisoprolol 2.5 mg daily")

            # Complete asks first (non-blocking inline confirmation); Cancel leaves everything as it was.
            qtbot.mouseClick(view.complete, Qt.MouseButton.LeftButton)
            assert view.confirm_bar.isVisible()
            screenshot(w, "doctor_consultation_confirm")
            qtbot.mouseClick(view.confirm_no, Qt.MouseButton.LeftButton)
            assert not view.confirm_bar.isVisible()
            await asyncio.sleep(0.2)
            assert w.in_consultation

            qtbot.mouseClick(view.complete, Qt.MouseButton.LeftButton)
            qtbot.mouseClick(view.confirm_yes, Qt.MouseButton.LeftButton)
            await until(lambda: not w.in_consultation, 10, "did not go back to Today's Work")
            assert w.current_section == 0
            await until(lambda: w.today_view.success.isVisible())
            assert "completed" in w.today_view.success.text() and "Alice Harper" in w.today_view.success.text()
            await until(lambda: received, 10, "reception socket did not receive consultation_completed")
            await until(lambda: w.today_view.stat_completed.value.text() == "1", 5)
            screenshot(w, "doctor_today_after_completion")
        finally:
            await reception.disconnect()

    arun(qloop, scenario(), timeout=45)

    assert received[0]["visit"]["id"] == scene.visit.id
    committed_db.expire_all()
    visit = committed_db.get(Visit, scene.visit.id)
    appointment = committed_db.get(Appointment, scene.appointment.id)
    assert visit.status == VisitStatus.COMPLETED
    assert visit.notes == "Murmur grade II; ECG normal"
    assert visit.prescription == "Bisoprolol 2.5 mg daily"
    assert appointment.status == AppointmentStatus.COMPLETED


def test_draft_is_kept_on_the_server_survives_reopening_and_completion_saves_it(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    async def scenario() -> None:
        _, w, view = await _open_pushed(open_app, live_server.url, scene)
        qtbot.keyClicks(view.notes, "Draft finding")
        qtbot.keyClicks(view.prescription, "Draft rx")
        await until(lambda: view.draft_state.text() == "Draft saved", 5, "draft not saved on the server")
        committed_db.expire_all()
        stored = committed_db.get(Visit, scene.visit.id)
        assert (stored.notes, stored.prescription) == ("Draft finding", "Draft rx")
        assert stored.status == VisitStatus.IN_PROGRESS
        assert w.consultation_vm.draft() is None  # the file on this computer is only the offline fallback

        # Esc goes back; reopening shows the server's draft.
        QTest.keyClick(w, Qt.Key.Key_Escape)
        await until(lambda: not w.in_consultation)
        await until(lambda: w.today_view.card(scene.visit.id) is not None)
        w.today_view.card(scene.visit.id).button.click()
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        await until(lambda: view.notes.toPlainText() == "Draft finding", 5)
        assert view.prescription.toPlainText() == "Draft rx"

        # Ctrl+Enter asks for confirmation; confirming completes.
        QTest.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert view.confirm_bar.isVisible()
        view.confirm_yes.click()
        await until(lambda: not w.in_consultation, 10)
        assert w.consultation_vm.drafts.load(scene.visit.id) is None

    arun(qloop, scenario(), timeout=45)
    committed_db.expire_all()
    stored = committed_db.get(Visit, scene.visit.id)
    assert (stored.notes, stored.status) == ("Draft finding", VisitStatus.COMPLETED)


def test_offline_draft_stays_on_this_computer_and_goes_up_when_reopened(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    async def scenario() -> None:
        session, w, view = await _open_pushed(open_app, live_server.url, scene)
        real_base = session.api.base_url
        session.api.base_url = "http://127.0.0.1:9"  # the server cannot be reached (nothing listens on 9)
        qtbot.keyClicks(view.notes, "Typed offline")
        await until(lambda: "this computer" in view.draft_state.text(), 10, "no offline fallback")
        assert w.consultation_vm.draft().notes == "Typed offline"
        session.api.base_url = real_base
        view.back.click()
        await until(lambda: not w.in_consultation)
        await until(lambda: w.today_view.card(scene.visit.id) is not None)
        w.today_view.card(scene.visit.id).button.click()
        await until(lambda: w.in_consultation and view.notes.toPlainText() == "Typed offline", 10)
        assert view.draft_state.text() in ("Draft restored from this computer", "Saving…", "Draft saved")
        await until(lambda: view.draft_state.text() == "Draft saved", 10)
        assert w.consultation_vm.draft() is None

    arun(qloop, scenario(), timeout=45)
    committed_db.expire_all()
    assert committed_db.get(Visit, scene.visit.id).notes == "Typed offline"


def test_refusal_when_completed_elsewhere_shows_message_and_refreshes(qloop, open_app, scene: Scene, live_server):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        await _send_in(live_server.url, scene)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        view = w.consultation_view
        await until(lambda: not view.notes.isReadOnly(), 5)
        view.notes.setPlainText("Typed here")
        # Completed from another device (same doctor) — done synchronously so the app has not heard of it yet.
        r = httpx.post(
            f"{live_server.url}/queue/complete-consultation",
            json={"visit_id": scene.visit.id, "notes": "From the tablet"},
            headers=auth(scene.doctor.user),
        )
        assert r.status_code == 200, r.text
        view.ask_complete()
        view.confirm_complete()
        await until(lambda: view.message.isVisible(), 10, "no refusal message")
        assert "already completed elsewhere" in view.message.text()
        assert view.message.property("kind") == "error"
        await until(lambda: w.consultation_vm.data.visit.status == VisitStatus.COMPLETED, 10)
        await until(lambda: view.status.text() == "Completed")
        assert not view.complete.isEnabled()
        assert w.in_consultation  # stays, so the doctor sees what happened
        # The record shows what the server saved; the doctor's typing is kept locally, not lost.
        assert view.notes.toPlainText() == "From the tablet" and view.notes.isReadOnly()
        assert w.consultation_vm.draft().notes == "Typed here"
        screenshot(w, "doctor_consultation_refused")

    arun(qloop, scenario(), timeout=45)


def test_shortcuts_switch_sections(qloop, open_app, scene: Scene):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        w.show()
        w.activateWindow()
        for key, section, view in (
            (Qt.Key.Key_2, 1, w.earnings_view),
            (Qt.Key.Key_3, 2, w.patients_view),
            (Qt.Key.Key_4, 3, w.schedule_view),
            (Qt.Key.Key_1, 0, w.today_view),
        ):
            QTest.keyClick(w, key, Qt.KeyboardModifier.ControlModifier)
            await until(lambda section=section: w.current_section == section, 3)
            assert w.stack.currentWidget() is view

    arun(qloop, scenario(), timeout=30)


def test_start_consultation_moves_a_waiting_patient_in(qloop, open_app, scene: Scene, committed_db: Session):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username, auto_open=False)
        w = session.window
        await until(lambda: w.today_view.card(scene.visit.id) is not None)
        w.today_view.card(scene.visit.id).button.click()  # the doctor calls the patient in directly
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        assert w.consultation_vm.data.visit.status == VisitStatus.IN_PROGRESS
        assert w.consultation_view.patient_name.text() == "Alice Harper"

    arun(qloop, scenario(), timeout=30)
    committed_db.expire_all()
    assert committed_db.get(Visit, scene.visit.id).status == VisitStatus.IN_PROGRESS
