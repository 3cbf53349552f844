"""Issue 14, item 9: the doctor app without a mouse. Shortcuts (Ctrl+N calls the next patient through the
floor's POST /queue/call-next, Ctrl+1…4 sections, Enter opens a visit, Esc / Alt+Left go back, Ctrl+Enter
completes), every control has an accessible name, and Tab reaches the main controls of each page."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.orm import Session

from common.qt.accessibility import unnamed_controls
from server.models import Visit
from tests.doctor.helpers import ok, reception_http, reception_socket
from tests.doctor.seed import Scene, add_waiting
from tests.doctor.test_push_safety import activate, send_in
from tests.support.qt import arun, screenshot, until

CTRL = Qt.KeyboardModifier.ControlModifier


def tab_walk(start: QWidget, steps: int = 25) -> list[QWidget]:
    """Press Tab `steps` times from `start`, returning the widgets that had the focus on the way."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen: list[QWidget] = []
    for _ in range(steps):
        focused = QApplication.focusWidget()
        assert focused is not None, "the focus got lost"
        seen.append(focused)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    return seen


def test_keyboard_only(qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session):
    asher = add_waiting(committed_db, scene, name="Asher Okafor", minutes_ago=3)

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        await activate(w)
        today = w.today_view
        await until(lambda: today.card(scene.visit.id) is not None and today.card(asher.id) is not None, 10)
        unnamed = [(type(x).__name__, x.parentWidget().objectName()) for x in unnamed_controls(w)]
        assert unnamed == [], unnamed
        assert "Ctrl+N" in today.call_next.toolTip() and "Ctrl+Enter" in w.consultation_view.complete.toolTip()

        walk = tab_walk(today.call_next)
        for control in (today.call_next, today.auto_open, today.mute, today.card(scene.visit.id).button):
            assert control in walk, control.objectName()

        # Ctrl+N: the first waiting patient (Alice, checked in first) is called, end to end through the server.
        async with reception_socket(live_server.url, scene.receptionist.username) as desk:
            QTest.keyClick(w, Qt.Key.Key_N, CTRL)
            await until(lambda: "Alice Harper" in today.success.text(), 10, "Call next did not call anyone")
            await until(lambda: desk.named("visit_called"), 10, "the desk did not hear the call")
        assert desk.named("visit_called")[0]["visit_id"] == scene.visit.id
        committed_db.expire_all()
        assert committed_db.get(Visit, scene.visit.id).status.value == "CALLED"
        card = lambda: today.card(scene.visit.id)  # noqa: E731 (redrawn on every refetch)
        await until(lambda: card() is not None and card().badge.text().startswith("Called"), 10)
        screenshot(w, "doctor_today_called")

        # My Patients by keyboard: Ctrl+3 focuses the search; type, Tab to the list, Down, Tab to the visits,
        # Down, Enter opens the visit record; Esc comes back.
        QTest.keyClick(w, Qt.Key.Key_3, CTRL)
        pv = w.patients_view
        assert QApplication.focusWidget() is pv.search
        QTest.keyClicks(pv.search, "Alice")
        await until(lambda: w.patients_vm.model.total == 1 and w.patients_vm.pending == 0, 10)
        QTest.keyClick(pv.search, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is pv.table
        QTest.keyClick(pv.table, Qt.Key.Key_Down)
        await until(lambda: pv.visits_model.rowCount() == 3, 10)
        walk = tab_walk(pv.table, 4)
        assert pv.visits in walk
        pv.visits.setFocus()
        QTest.keyClick(pv.visits, Qt.Key.Key_Down)
        QTest.keyClick(pv.visits, Qt.Key.Key_Down)
        QTest.keyClick(pv.visits, Qt.Key.Key_Return)
        await until(lambda: w.in_record and w.record_vm.record is not None, 10)
        QTest.keyClick(w, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # Alt+Left: back
        assert w.stack.currentWidget() is pv

        # Schedule: Tab reaches the filters, the list and the actions.
        QTest.keyClick(w, Qt.Key.Key_4, CTRL)
        sv = w.schedule_view
        await until(lambda: w.schedule_vm.fetch_count >= 1 and w.schedule_vm.pending == 0, 10)
        assert QApplication.focusWidget() is sv.tree
        for _ in range(3):  # past the day's heading to the first appointment
            if sv.selected_id() is None:
                QTest.keyClick(sv.tree, Qt.Key.Key_Down)
        assert sv.selected_id() == scene.appointment.id and sv.details_button.isEnabled()
        walk = tab_walk(sv.tree, 16)
        for control in (sv.tree, sv.start, sv.end, sv.status, sv.refresh, sv.details_button):
            assert control in walk, control.objectName()

        # The consultation: Tab into the notes, type, Ctrl+Enter asks, Enter on the focused "Complete" confirms (as
        # Space does; in a real window under Xvfb Enter did nothing, the button only took Space).
        await send_in(live_server.url, scene, asher.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        cv = w.consultation_view
        await until(lambda: not cv.notes.isReadOnly(), 10)
        walk = tab_walk(cv.back, 14)
        for control in (cv.back, cv.notes, cv.prescription, cv.follow_up, cv.complete):
            assert control in walk, control.objectName()
        cv.notes.setFocus()
        QTest.keyClicks(cv.notes, "Mild viral infection")
        QTest.keyClick(w, Qt.Key.Key_Return, CTRL)
        assert cv.confirm_bar.isVisible() and QApplication.focusWidget() is cv.confirm_yes
        QTest.keyClick(cv.confirm_yes, Qt.Key.Key_Return)
        await until(lambda: not w.in_consultation, 10)
        await asyncio.sleep(0)
        async with reception_http(live_server.url, scene.receptionist) as http:
            visit = ok(await http.get(f"/visits/{asher.id}"))
        assert visit["status"] == "COMPLETED"

    arun(qloop, scenario(), timeout=90)
