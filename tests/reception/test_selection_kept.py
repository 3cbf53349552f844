"""Issue 12: a change made at another desk updates the board and the lists row by row, so the card or row a
receptionist has selected stays selected (and the scroll position stays) instead of being cleared by a reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from PySide6.QtCore import Qt

from client_reception.app import ReceptionApp
from client_reception.views.main_window import APPOINTMENTS
from common.enums import Phase, VisitStatus
from tests.factories import auth, make_patient, make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


def test_a_check_in_at_another_desk_keeps_the_selected_card_and_scroll(
    reception: ReceptionApp, qtbot, qloop, live_server, desk: Desk, committed_db
):
    app = reception
    board = app.window.board_view
    waiting = board.columns[Phase.WAITING].list
    now = datetime.now(UTC)
    many = [make_patient(committed_db, desk.clinic, full_name=f"Waiting Patient {i:02d}") for i in range(14)]
    for i, patient in enumerate(many, start=1):
        make_visit(
            committed_db,
            patient=patient,
            doctor=desk.doctors[i % 2],
            service=desk.services[0],
            status=VisitStatus.WAITING,
            queue_number=i,
            check_in_time=now - timedelta(minutes=40 - i),
        )
    committed_db.commit()

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: waiting.model().rowCount() == 14, 10)
        await until(lambda: app.window.indicator.state == "connected", 10)
        await settle(app)
        # The receptionist scrolls down and clicks the tenth card.
        chosen = app.board.model.entries(Phase.WAITING)[9]
        waiting.scrollTo(waiting.model().index(9, 0))
        rect = waiting.visualRect(waiting.model().index(9, 0))
        qtbot.mouseClick(waiting.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert waiting.selected_visit_id() == chosen.id and board.send_button.isEnabled()
        scroll = waiting.verticalScrollBar().value()
        assert scroll > 0
        updates, resets = app.board.model.updates, []
        app.board.model.modelReset.connect(lambda: resets.append(True))

        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other_desk:
            r = await other_desk.post(
                "/queue/checkin",
                json={
                    "patient_id": desk.patients[0].id,
                    "doctor_id": desk.doctors[0].id,
                    "service_id": desk.services[0].id,
                },
            )
            assert r.status_code == 201, r.text
        await until(lambda: waiting.model().rowCount() == 15, 10, "the other desk's check-in did not arrive")
        await settle(app)
        assert app.board.model.updates > updates and resets == []
        assert waiting.selected_visit_id() == chosen.id  # still the same card
        assert board.send_button.isEnabled()
        assert waiting.verticalScrollBar().value() == scroll
        screenshot(app.window, "reception_board_selection_kept")

    arun(qloop, scenario(), timeout=40)


def test_an_appointment_booked_elsewhere_keeps_the_selected_row(
    reception: ReceptionApp, qtbot, qloop, live_server, desk: Desk
):
    app = reception
    view = app.window.appointments_view

    async def scenario() -> None:
        app.window.nav.setCurrentRow(APPOINTMENTS)
        await until(lambda: app.appointments.model.rowCount() == 2, 10)
        await settle(app)
        view.table.selectRow(1)
        chosen = app.appointments.model.row_at(1).id
        start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=50)  # after the desk bookings
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other_desk:
            r = await other_desk.post(
                "/appointments",
                json={
                    "patient_id": desk.patients[1].id,
                    "doctor_id": desk.doctors[1].id,
                    "service_id": desk.services[1].id,
                    "start_time": start.isoformat(),
                },
            )
            assert r.status_code == 201, r.text
        await until(lambda: app.appointments.model.rowCount() == 3, 10, "the booking did not arrive")
        await settle(app)
        rows = view.table.selectionModel().selectedRows()
        assert len(rows) == 1 and app.appointments.model.row_at(rows[0].row()).id == chosen

    arun(qloop, scenario(), timeout=40)
