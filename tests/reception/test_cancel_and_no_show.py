"""Issue 13: cancel a visit from the board (its appointment too, if asked), cancel an appointment with a reason and
mark a no-show from the check-in screen; each confirmed first, and the lists follow (live from another desk too)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from PySide6.QtCore import Qt

from client_reception.app import ReceptionApp
from client_reception.views.main_window import CHECKIN
from common.enums import AppointmentStatus, Phase
from server.models import Appointment
from tests.factories import auth, make_visit
from tests.reception.conftest import Desk, make_appointment, settle
from tests.support.qt import arun, screenshot, until


def test_cancel_a_visit_from_the_board(reception: ReceptionApp, qtbot, qloop, live_server, desk: Desk, committed_db):
    app = reception
    board = app.window.board_view
    booked = desk.appointments[0]  # Aisha Khan's, checked in
    booked.status = AppointmentStatus.CHECKED_IN
    now = datetime.now(UTC)
    from_booking = make_visit(
        committed_db,
        patient=booked.patient,
        doctor=booked.doctor,
        service=desk.services[0],
        appointment_id=booked.id,
        queue_number=1,
        check_in_time=now - timedelta(minutes=5),
    )
    walk_in = make_visit(
        committed_db,
        patient=desk.patients[0],
        doctor=desk.doctors[1],
        service=desk.services[0],
        queue_number=2,
        check_in_time=now - timedelta(minutes=3),
    )
    committed_db.commit()

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries(Phase.WAITING)) == 2, 10)
        await settle(app)
        assert not board.cancel_visit_button.isEnabled()  # nothing selected
        assert board.select_visit(from_booking.id) and board.cancel_visit_button.isEnabled()
        qtbot.mouseClick(board.cancel_visit_button, Qt.MouseButton.LeftButton)
        dialog = board.dialog
        assert dialog.isVisible() and "Cancel visit #1 of Aisha Khan" in dialog.question.text()
        assert not dialog.also_appointment.isHidden()
        dialog.also_appointment.setChecked(True)
        screenshot(dialog, "reception_cancel_visit")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: app.board.model.card(from_booking.id) is None, 10)
        assert "and its appointment cancelled" in app.window.banner.text
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as http:
            visit = (await http.get(f"/visits/{from_booking.id}")).json()
            assert visit["status"] == "CANCELLED"
            appointments = (await http.get("/appointments", params={"patient_id": booked.patient_id})).json()
            assert [a["status"] for a in appointments["items"] if a["id"] == booked.id] == ["CANCELLED"]

        # a walk-in has no appointment to cancel; "Keep it" changes nothing
        assert board.select_visit(walk_in.id)
        dialog = board.cancel_selected()
        assert dialog.also_appointment.isHidden()
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        await settle(app)
        assert app.board.model.card(walk_in.id) is not None
        # from the card's menu this time
        menu = board.card_menu(walk_in.id)
        next(a for a in menu.actions() if a.text() == "Cancel visit…").trigger()
        menu.close()
        dialog = board.dialog
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: app.board.model.entries(Phase.WAITING) == [], 10)
        await settle(app)

    arun(qloop, scenario(), timeout=60)


def test_no_show_and_cancel_with_a_reason_from_the_check_in_screen(
    reception: ReceptionApp, qtbot, qloop, live_server, desk: Desk, committed_db
):
    app = reception
    window = app.window
    view = window.checkin_view
    later = make_appointment(
        committed_db,
        desk,
        patient=desk.patients[0],
        doctor=desk.doctors[0],
        start=datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=40),
    )
    aisha, tom = desk.appointments
    begun = datetime.now(UTC).replace(second=0, microsecond=0)
    for appointment, minutes in ((aisha, 2), (tom, 1)):  # only an appointment that has begun can be a no-show
        row = committed_db.get(Appointment, appointment.id)
        row.start_time = begun - timedelta(minutes=minutes)
        row.end_time = row.start_time + timedelta(minutes=30)
    committed_db.commit()

    def listed() -> list[str]:
        return [a.patient.full_name for a in app.checkin.model.rows]

    def select(appointment_id: int) -> None:
        view.table.selectRow(app.checkin.model.position_of(appointment_id))

    async def scenario() -> None:
        window.nav.setCurrentRow(CHECKIN)
        await until(lambda: listed() == ["Aisha Khan", "Tom Baker", "Maria Gomez"], 10)
        await until(lambda: window.indicator.state == "connected", 10)
        await settle(app)
        assert not view.no_show_button.isEnabled() and not view.cancel_appointment_button.isEnabled()
        # an appointment still to come can be cancelled, not marked a no-show (the server would refuse it)
        select(later.id)
        assert view.cancel_appointment_button.isEnabled() and not view.no_show_button.isEnabled()
        assert "begun" in view.no_show_button.toolTip()

        # no-show, confirmed
        select(aisha.id)
        qtbot.mouseClick(view.no_show_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        assert (
            dialog.isVisible()
            and "Aisha Khan did not come" in dialog.findChild(type(view.chosen), "no_show_what").text()
        )
        screenshot(dialog, "reception_no_show")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: listed() == ["Tom Baker", "Maria Gomez"], 10)
        assert "Aisha Khan marked as a no-show" in window.banner.text

        # cancel: a reason is required, and kept
        select(later.id)
        qtbot.mouseClick(view.cancel_appointment_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(dialog.error_label.isVisible)
        assert "reason" in dialog.error_label.text()
        qtbot.keyClicks(dialog.reason, "Called to cancel: feeling better")
        assert not dialog.error_label.isVisible()  # the message goes once the reason is typed
        screenshot(dialog, "reception_cancel_appointment")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: listed() == ["Tom Baker"], 10)
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other_desk:
            items = (await other_desk.get("/appointments", params={"patient_id": desk.patients[0].id})).json()["items"]
            done = next(a for a in items if a["id"] == later.id)
            # the reason is kept (the server writes it to the notes today; Appointment.cancel_reason is not filled yet)
            assert done["status"] == "CANCELLED"
            assert "Called to cancel: feeling better" in done["cancel_reason"] + done["notes"]
            # another desk marks Tom a no-show: this list hears of it
            r = await other_desk.post(f"/appointments/{tom.id}/no-show")
            assert r.status_code == 200, r.text
        await until(lambda: listed() == [], 10)
        await settle(app)
        screenshot(window, "reception_checkin_after_no_show")

    arun(qloop, scenario(), timeout=60)
