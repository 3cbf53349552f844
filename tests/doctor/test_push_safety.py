"""Issue 10, part 2: a push never puts a doctor's typing into another patient's notes.

Everything goes through the real server and socket, and the typing goes to whatever widget has the keyboard
focus (as a keyboard would), so a focus change would show up as characters in the wrong place.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.orm import Session

from client_doctor.app import DoctorSession
from server.models import Visit
from tests.doctor.helpers import ok, reception_http
from tests.doctor.seed import Scene, add_waiting
from tests.support.qt import arun, screenshot, until

FIRST = "Chest pain on exertion since Monday; "
SECOND = "no radiation, ECG sinus rhythm, BP 130/85."


async def send_in(url: str, scene: Scene, visit_id: int) -> None:
    async with reception_http(url, scene.receptionist) as http:
        # confirm: a second patient while one is in consultation is a deliberate send (Clinic.max_active_per_doctor)
        body = {"visit_id": visit_id, "phase": "with_doctor", "confirm": True}
        ok(await http.post("/queue/phase/move", json=body))


async def type_at_focus(qtbot, text: str) -> None:
    """Type like a keyboard: each key goes to the focused widget, with the event loop running in between (so
    socket events and timers interleave with the keystrokes)."""
    for char in text:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        qtbot.keyClicks(target, char)
        await asyncio.sleep(0.01)


async def activate(window: QWidget) -> None:
    window.show()
    window.activateWindow()
    window.raise_()
    await until(window.isActiveWindow, 5, "the window did not become active")


def server_texts(db: Session, visit_id: int) -> tuple[str | None, str | None]:
    db.expire_all()
    visit = db.get(Visit, visit_id)
    assert visit is not None
    return visit.notes, visit.prescription


def test_a_push_mid_typing_keeps_every_character_on_the_first_visit(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    asher = add_waiting(committed_db, scene, name="Asher Okafor", minutes_ago=3)

    async def scenario() -> None:
        session: DoctorSession = await open_app(scene.doctor_username)  # auto-open on, the default
        w = session.window
        await activate(w)
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10, "consultation not opened")
        view = w.consultation_view
        await until(lambda: not view.notes.isReadOnly(), 5)
        qtbot.mouseClick(view.notes.viewport(), Qt.MouseButton.LeftButton)  # the doctor clicks into the notes
        assert QApplication.focusWidget() is view.notes

        await type_at_focus(qtbot, FIRST)
        await send_in(live_server.url, scene, asher.id)  # reception sends the next patient mid-sentence
        await type_at_focus(qtbot, SECOND[:12])
        await until(lambda: w.sent_in_bar.isVisible(), 10, "no 'was sent in' bar")
        await type_at_focus(qtbot, SECOND[12:])

        # The open consultation was not replaced, the focus never left the first patient's notes.
        assert w.in_consultation and w.consultation_vm.visit_id == scene.visit.id
        assert view.bound_visit_id == scene.visit.id and view.notes.property("visit_id") == scene.visit.id
        assert QApplication.focusWidget() is view.notes
        assert view.patient_name.text() == "Alice Harper"
        assert view.notes.toPlainText() == FIRST + SECOND
        assert w.sent_in_bar.text.text() == "Asher Okafor was sent in — "
        assert w.sent_in_bar.open_button.text() == "Open"
        assert any("Asher Okafor" in n for n in w.notifications)  # the toast said so too
        assert w.alerts == []  # the window is active: no tray message, no sound
        screenshot(w, "doctor_sent_in_bar")

        # Every character is on the first visit on the server; none on the second.
        await until(lambda: w.consultation_view.draft_state.text() == "Draft saved", 10, "draft not saved")
        assert server_texts(committed_db, scene.visit.id) == (FIRST + SECOND, "")
        assert server_texts(committed_db, asher.id)[0] in ("", None)

        # The doctor opens the new patient when ready: an empty page, and the focus is not in an editor.
        qtbot.mouseClick(w.sent_in_bar.open_button, Qt.MouseButton.LeftButton)
        await until(lambda: w.consultation_vm.data is not None and w.consultation_vm.visit_id == asher.id, 10)
        await until(lambda: view.patient_name.text() == "Asher Okafor", 5)
        assert not w.sent_in_bar.isVisible()
        assert view.notes.toPlainText() == "" and view.notes.property("visit_id") == asher.id
        assert QApplication.focusWidget() not in (view.notes, view.prescription)
        screenshot(w, "doctor_second_patient_opened")
        assert server_texts(committed_db, scene.visit.id)[0] == FIRST + SECOND

    arun(qloop, scenario(), timeout=60)


def test_a_push_while_the_window_is_not_active_rings_and_shows_a_tray_message(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    asher = add_waiting(committed_db, scene, name="Asher Okafor", minutes_ago=3)

    async def scenario() -> None:
        session: DoctorSession = await open_app(scene.doctor_username)
        w = session.window
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        other = QWidget()  # another program in front
        other.resize(200, 100)
        await activate(other)
        await send_in(live_server.url, scene, asher.id)
        await until(lambda: w.sent_in_bar.isVisible(), 10)
        assert any("Asher Okafor" in a for a in w.alerts)
        assert w.consultation_vm.visit_id == scene.visit.id
        other.close()

    arun(qloop, scenario(), timeout=45)


def test_after_a_restart_a_draft_never_comes_back_on_the_wrong_visit(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    asher = add_waiting(committed_db, scene, name="Asher Okafor", minutes_ago=3)

    async def scenario() -> None:
        first: DoctorSession = await open_app(scene.doctor_username, profile="desk")
        w = first.window
        await activate(w)
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        view = w.consultation_view
        await until(lambda: not view.notes.isReadOnly(), 5)
        qtbot.mouseClick(view.notes.viewport(), Qt.MouseButton.LeftButton)
        await type_at_focus(qtbot, FIRST)
        await send_in(live_server.url, scene, asher.id)
        await until(lambda: w.sent_in_bar.isVisible(), 10)
        await type_at_focus(qtbot, SECOND)
        await first.aclose()  # the PC is switched off right after the last key: no time for the server save

        again: DoctorSession = await open_app(scene.doctor_username, profile="desk")  # same drafts folder
        w2 = again.window
        await until(lambda: w2.today_view.card(asher.id) is not None and w2.today_view.card(scene.visit.id), 10)
        assert not w2.in_consultation  # nothing opens by itself after a restart
        w2.today_view.card(asher.id).button.click()
        await until(lambda: w2.consultation_vm.data is not None and w2.consultation_vm.visit_id == asher.id, 10)
        v2 = w2.consultation_view
        await until(lambda: v2.patient_name.text() == "Asher Okafor", 5)
        assert v2.notes.toPlainText() == "" and v2.prescription.toPlainText() == ""
        v2.back.click()
        await until(lambda: not w2.in_consultation, 5)
        w2.today_view.card(scene.visit.id).button.click()
        await until(lambda: w2.consultation_vm.data is not None and w2.consultation_vm.visit_id == scene.visit.id)
        await until(lambda: v2.patient_name.text() == "Alice Harper", 5)
        assert v2.notes.toPlainText() == FIRST + SECOND
        # The restored text is sent up to its own visit.
        await until(lambda: server_texts(committed_db, scene.visit.id)[0] == FIRST + SECOND, 10)
        assert server_texts(committed_db, asher.id)[0] in ("", None)
        assert w2.consultation_vm.local_draft(asher.id) is None

    arun(qloop, scenario(), timeout=90)
