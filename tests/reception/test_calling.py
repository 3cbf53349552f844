"""Issue 13, calling: "Call…" on a waiting card (optionally to a room, remembered per doctor) makes the card a
called one — its own colour and a CALLED label with the room and the time; a doctor's "Call next" elsewhere shows
up live the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from PySide6.QtCore import Qt

from client_reception.app import ReceptionApp
from client_reception.views.board_card import card_chips
from common.enums import Phase, VisitStatus
from tests.factories import auth, make_visit
from tests.reception.conftest import Desk, open_timeline, settle
from tests.support.qt import arun, screenshot, until


def test_call_to_a_room_remembered_per_doctor_and_a_call_next_from_the_doctor(
    reception: ReceptionApp, qtbot, qloop, live_server, desk: Desk, committed_db, settings
):
    app = reception
    window = app.window
    board = window.board_view
    ada, ben = desk.doctors
    now = datetime.now(UTC)
    first, second, bens = (
        make_visit(
            committed_db,
            patient=desk.patients[i],
            doctor=doctor,
            service=desk.services[0],
            status=VisitStatus.WAITING,
            queue_number=i + 1,
            check_in_time=now - timedelta(minutes=15 - i),
        )
        for i, doctor in enumerate((ada, ada, ben))
    )
    committed_db.commit()

    def status(visit_id: int) -> VisitStatus:
        return app.board.model.card(visit_id).entry.status

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries(Phase.WAITING)) == 3, 10)
        await until(lambda: window.indicator.state == "connected", 10)
        await settle(app)
        assert board.select_visit(first.id) and board.call_button.isEnabled()
        qtbot.mouseClick(board.call_button, Qt.MouseButton.LeftButton)
        dialog = board.dialog
        assert dialog is not None and dialog.isVisible() and dialog.room.text() == ""
        qtbot.keyClicks(dialog.room, "Room 3")
        screenshot(dialog, "reception_call_dialog")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: status(first.id) == VisitStatus.CALLED, 10)
        entry = app.board.model.card(first.id).entry
        assert entry.room == "Room 3" and entry.called_at is not None
        chips = [c.text for c in card_chips(entry, Phase.WAITING, False)]
        assert len(chips) == 2 and chips[0].startswith("CALLED ") and chips[1] == "→ Room 3"
        assert "Called #1 Maria Gomez to Room 3" in window.banner.text
        assert settings.value(f"rooms/doctor_{ada.id}") == "Room 3"
        # a called card cannot be called again, and the button says why
        await until(lambda: not board.call_button.isEnabled(), 5)
        assert "Already called to Room 3" in board.call_button.toolTip()

        # the same doctor's next patient: the room is offered again
        assert board.select_visit(second.id)
        dialog = board.call_selected()
        assert dialog.room.text() == "Room 3"
        dialog.reject()
        # another doctor: no room remembered
        assert board.select_visit(bens.id)
        dialog = board.call_selected()
        assert dialog.room.text() == ""
        dialog.reject()

        # Dr Carson presses "Call next" in his room: the desk sees it live
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(ben.user)) as doctor:
            r = await doctor.post("/queue/call-next", json={"doctor_id": ben.id, "room": "Room 5"})
            assert r.status_code == 200, r.text
        await until(lambda: status(bens.id) == VisitStatus.CALLED, 10)
        assert app.board.model.card(bens.id).entry.room == "Room 5"
        assert status(second.id) == VisitStatus.WAITING
        await settle(app)
        screenshot(window, "reception_board_called")

        # the called visit's timeline, from its card's menu: the call and the status change, with who
        timeline, rows = await open_timeline(app, first.id)
        assert any(row[1] == "Called to Room 3" and row[2] == "Rita Reception" for row in rows), rows
        screenshot(timeline, "reception_visit_timeline")
        timeline.close()

    arun(qloop, scenario(), timeout=60)
