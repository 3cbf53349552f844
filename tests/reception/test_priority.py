"""Issue 13, triage: a priority chosen at check-in and changed later from the card (its context menu or the
Priority button); the waiting column keeps the server's order (priority, then arrival) and an emergency stands
out in words, not only in colour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from client_reception.app import ReceptionApp
from client_reception.views.board_card import card_chips
from client_reception.views.main_window import BOARD, CHECKIN
from common.enums import Phase, Priority, VisitStatus
from tests.factories import auth, make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


def waiting(app: ReceptionApp) -> list[tuple[str, Priority]]:
    return [(e.patient.full_name, e.priority) for e in app.board.model.entries(Phase.WAITING)]


def test_priority_at_check_in_and_from_the_card(
    reception: ReceptionApp, qtbot, qloop, live_server, desk: Desk, committed_db
):
    app = reception
    window = app.window
    board = window.board_view
    view = window.checkin_view
    early = make_visit(
        committed_db,
        patient=desk.patients[1],  # John Smith, here first
        doctor=desk.doctors[0],
        service=desk.services[0],
        status=VisitStatus.WAITING,
        queue_number=1,
        check_in_time=datetime.now(UTC) - timedelta(minutes=12),
    )
    committed_db.commit()

    async def scenario() -> None:
        window.nav.setCurrentRow(CHECKIN)
        await until(lambda: app.checkin.model.rowCount() == 2, 10)
        # an appointment checked in as Urgent
        view.table.selectRow(0)  # Aisha Khan
        view.appointment_priority.setCurrentIndex(view.appointment_priority.findData(Priority.URGENT))
        qtbot.mouseClick(view.checkin_button, Qt.MouseButton.LeftButton)
        await until(lambda: "(Urgent)" in window.banner.text, 10)
        assert view.appointment_priority.currentData() == Priority.NORMAL  # back to Normal for the next one
        # a walk-in as an Emergency
        qtbot.keyClicks(view.patient_search, "Gomez")
        await until(lambda: app.checkin.search.model.rowCount() == 1, 5)
        view.results.selectRow(0)
        view.walkin_priority.setCurrentIndex(view.walkin_priority.findData(Priority.EMERGENCY))
        qtbot.mouseClick(view.walkin_button, Qt.MouseButton.LeftButton)
        await until(lambda: "(Emergency)" in window.banner.text, 10)

        window.nav.setCurrentRow(BOARD)
        # the server's order: emergency, urgent, then the one who came first
        await until(
            lambda: (
                waiting(app)
                == [
                    ("Maria Gomez", Priority.EMERGENCY),
                    ("Aisha Khan", Priority.URGENT),
                    ("John Smith", Priority.NORMAL),
                ]
            ),
            10,
        )
        await settle(app)
        first = app.board.model.entries(Phase.WAITING)[0]
        assert [c.text for c in card_chips(first, Phase.WAITING, False)] == ["EMERGENCY"]
        column = board.columns[Phase.WAITING].proxy
        shown = [column.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(column.rowCount())]
        assert "Priority: Emergency" in shown[0] and "Priority: Urgent" in shown[1]
        screenshot(window, "reception_board_priority")

        # John is worse: the card's context menu → Priority → Emergency
        menu = board.card_menu(early.id)
        assert isinstance(menu, QMenu)
        sub = next(a.menu() for a in menu.actions() if a.text() == "Priority")
        next(a for a in sub.actions() if a.text() == "Emergency").trigger()
        menu.close()
        await until(
            lambda: waiting(app)[:2] == [("John Smith", Priority.EMERGENCY), ("Maria Gomez", Priority.EMERGENCY)], 10
        )
        assert board.selected_id == early.id  # still the selected card after it moved up
        # and back to Normal with the Priority button's menu
        assert board.priority_button.isEnabled() and board.priority_actions[Priority.EMERGENCY].isChecked()
        board.priority_actions[Priority.NORMAL].trigger()
        await until(lambda: waiting(app)[-1] == ("John Smith", Priority.NORMAL), 10)
        await settle(app)

        # another desk makes Aisha an emergency: this board re-orders by itself (priority_changed)
        fetches = app.board.fetch_count
        aisha = next(e for e in app.board.model.entries(Phase.WAITING) if e.patient.full_name == "Aisha Khan")
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other_desk:
            r = await other_desk.post("/queue/priority", json={"visit_id": aisha.id, "priority": "EMERGENCY"})
            assert r.status_code == 200, r.text
        await until(lambda: waiting(app)[0] == ("Aisha Khan", Priority.EMERGENCY), 10)
        assert app.board.fetch_count > fetches
        await settle(app)

    arun(qloop, scenario(), timeout=60)
