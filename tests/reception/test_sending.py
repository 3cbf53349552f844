"""Issue 13, sending to the doctor: no confirmation dialog, an Undo bar after every send for a few seconds, a
double-click sends once, and a send beyond the doctor's limit (409 doctor_busy) asks in a bar, then re-sends
with confirm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from client_reception.app import ReceptionApp
from common.enums import Phase, VisitStatus
from tests.factories import make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


def test_send_undo_double_click_and_the_doctor_limit(reception: ReceptionApp, qtbot, qloop, desk: Desk, committed_db):
    app = reception
    window = app.window
    board = window.board_view
    ada = desk.doctors[0]
    now = datetime.now(UTC)
    first, second = (
        make_visit(
            committed_db,
            patient=desk.patients[i],
            doctor=ada,
            service=desk.services[0],
            status=VisitStatus.WAITING,
            queue_number=i + 1,
            check_in_time=now - timedelta(minutes=10 - i),
        )
        for i in range(2)
    )
    committed_db.commit()
    moves: list[tuple[int, str, bool]] = []
    real_move = app.api.move

    async def counting_move(visit_id, phase, **kw):
        moves.append((visit_id, Phase(phase).value, kw.get("confirm", False)))
        return await real_move(visit_id, phase, **kw)

    app.api.move = counting_move  # type: ignore[method-assign]

    def phase_of(visit_id: int) -> Phase:
        return app.board.model.card(visit_id).phase

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries(Phase.WAITING)) == 2, 10)
        await settle(app)
        waiting = board.columns[Phase.WAITING].list
        assert board.select_visit(first.id)
        # a double-click (and an impatient extra press of the button) sends once
        waiting.doubleClicked.emit(waiting.currentIndex())
        waiting.doubleClicked.emit(waiting.currentIndex())
        qtbot.mouseClick(board.send_button, Qt.MouseButton.LeftButton)
        await until(lambda: phase_of(first.id) == Phase.WITH_DOCTOR, 10)
        await settle(app)
        assert moves == [(first.id, "with_doctor", False)]
        assert window.findChild(QMessageBox) is None  # no confirmation dialog
        assert board.undo_bar.isVisible()
        assert board.undo_bar.label.text() == "#1 Maria Gomez sent to Dr Ada Lovelace"
        screenshot(window, "reception_board_undo")
        # Undo: back to waiting
        qtbot.mouseClick(board.undo_button, Qt.MouseButton.LeftButton)
        await until(lambda: phase_of(first.id) == Phase.WAITING, 10)
        assert not board.undo_bar.isVisible() and moves[-1] == (first.id, "waiting", False)

        # the bar goes by itself after a few seconds
        board.UNDO_MS = 300
        assert board.select_visit(first.id)
        qtbot.mouseClick(board.send_button, Qt.MouseButton.LeftButton)
        await until(lambda: phase_of(first.id) == Phase.WITH_DOCTOR, 10)
        assert board.undo_bar.isVisible()
        await until(lambda: not board.undo_bar.isVisible(), 3)

        # Dr Lovelace has one patient with her (the clinic's limit): sending a second one asks, in a bar
        await settle(app)
        assert board.select_visit(second.id)
        qtbot.mouseClick(board.send_button, Qt.MouseButton.LeftButton)
        await until(board.confirm_bar.isVisible, 10)
        assert "#2 John Smith: Dr Ada Lovelace already has 1 patient" in board.confirm_bar.label.text()
        assert phase_of(second.id) == Phase.WAITING and window.findChild(QMessageBox) is None
        await settle(app)
        screenshot(window, "reception_board_doctor_busy")
        qtbot.mouseClick(board.confirm_send_button, Qt.MouseButton.LeftButton)
        await until(lambda: phase_of(second.id) == Phase.WITH_DOCTOR, 10)
        assert moves[-2:] == [(second.id, "with_doctor", False), (second.id, "with_doctor", True)]
        assert not board.confirm_bar.isVisible() and board.undo_bar.isVisible()
        assert "John Smith sent to" in board.undo_bar.label.text()
        await settle(app)

    arun(qloop, scenario(), timeout=60)
