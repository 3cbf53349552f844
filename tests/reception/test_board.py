"""The queue board against the real server: login fills it, check-ins and moves made through the UI reach the
server, changes made elsewhere arrive through the socket, and bursts are coalesced."""

from __future__ import annotations

import asyncio
import warnings
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PySide6.QtCore import QByteArray, QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from client_reception.app import ReceptionApp
from client_reception.viewmodels.board import card_at
from client_reception.views.board import MIME
from client_reception.views.main_window import BOARD, CHECKIN
from common import events as ev
from common.enums import Phase, VisitStatus
from server.models import Visit
from tests.factories import auth, make_visit, token_for
from tests.reception.conftest import Desk, settle
from tests.support.events import SocketRecorder
from tests.support.qt import arun, screenshot, until


def names_in(app: ReceptionApp, phase: Phase) -> list[str]:
    return [e.patient.full_name for e in app.board.model.entries(phase)]


def column_rows(app: ReceptionApp, phase: Phase) -> int:
    return app.window.board_view.columns[phase].list.model().rowCount()


@pytest.fixture
def visits(committed_db, desk: Desk) -> dict[str, Visit]:
    """A morning in progress; queue numbers follow the order of arrival, as the server gives them."""
    now = datetime.now(UTC)
    a, b = desk.doctors
    consult, vaccine = desk.services
    p = desk.patients
    done, waiting, inside = VisitStatus.COMPLETED, VisitStatus.WAITING, VisitStatus.IN_PROGRESS

    def visit(number: int, patient, doctor, service, status: VisitStatus, arrived: int, started: int | None = None):
        return make_visit(
            committed_db,
            patient=patient,
            doctor=doctor,
            service=service,
            status=status,
            queue_number=number,
            check_in_time=now - timedelta(minutes=arrived),
            start_time=now - timedelta(minutes=started) if started is not None else None,
            end_time=now - timedelta(minutes=started - 10) if status == done and started is not None else None,
        )

    made = {
        "done": visit(1, p[3], a, vaccine, done, arrived=50, started=40),
        "overdue": visit(2, p[0], a, consult, waiting, arrived=27),
        "inside": visit(3, p[2], b, consult, inside, arrived=15, started=6),
        "fresh": visit(4, p[1], b, vaccine, waiting, arrived=3),
    }
    committed_db.commit()
    return made


def test_login_fills_the_board(visits, reception: ReceptionApp, qloop):
    app = reception
    window = app.window
    assert window.isVisible() and window.stack.currentIndex() == BOARD
    assert names_in(app, Phase.WAITING) == ["Maria Gomez", "John Smith"]
    assert names_in(app, Phase.WITH_DOCTOR) == ["Aisha Khan"]
    assert names_in(app, Phase.COMPLETED) == ["Tom Baker"]
    assert [column_rows(app, p) for p in Phase] == [2, 1, 1]
    assert window.board_view.columns[Phase.WAITING].title.text() == "Waiting  (2)"
    assert window.user_label.text() == f"Signed in as Rita Reception ({app.user.username})"
    overdue = app.board.model.entries(Phase.WAITING)[0]
    assert overdue.is_overdue and overdue.wait_minutes >= 26

    async def scenario() -> None:
        await until(lambda: window.indicator.state == "connected", timeout=10)
        doctors = window.board_view.doctor_filter
        await until(lambda: doctors.count() == 3)  # "All doctors" + two
        # the wait timer ticks locally: a repaint, no refetch
        fetches = app.board.fetch_count
        window.board_view.tick()
        assert app.board.fetch_count == fetches

    arun(qloop, scenario())
    assert window.indicator.text == "Connected"
    screenshot(window, "reception_board")


def test_doctor_filter_refetches_one_doctor(visits, reception: ReceptionApp, qloop, desk: Desk):
    app = reception
    combo = app.window.board_view.doctor_filter

    async def scenario() -> None:
        await until(lambda: combo.count() == 3)
        combo.setCurrentIndex(combo.findData(desk.doctors[1].id))
        await until(lambda: names_in(app, Phase.WAITING) == ["John Smith"])
        assert names_in(app, Phase.WITH_DOCTOR) == ["Aisha Khan"] and names_in(app, Phase.COMPLETED) == []
        combo.setCurrentIndex(0)
        await until(lambda: len(names_in(app, Phase.WAITING)) == 2)

    arun(qloop, scenario())


def test_walk_in_and_appointment_check_in_through_the_ui_appear_on_the_board(
    reception: ReceptionApp, qtbot, qloop, desk
):
    app = reception
    window = app.window
    view = window.checkin_view

    async def scenario() -> None:
        window.nav.setCurrentRow(CHECKIN)
        await until(lambda: app.checkin.model.rowCount() == 2)
        # an appointment: select it and press Check in
        view.table.selectRow(0)
        assert view.checkin_button.isEnabled()
        qtbot.mouseClick(view.checkin_button, Qt.MouseButton.LeftButton)
        await until(lambda: "Aisha Khan" in names_in(app, Phase.WAITING), timeout=5)
        await until(lambda: app.checkin.model.row_at(0).status.value == "CHECKED_IN")
        # a walk-in: search, pick, choose doctor and service, check in
        qtbot.keyClicks(view.patient_search, "Gomez")
        await until(lambda: app.checkin.search.model.rowCount() == 1, timeout=5)
        view.results.selectRow(0)
        assert view.chosen.text().startswith("Maria Gomez")
        view.doctor.setCurrentIndex(view.doctor.findData(desk.doctors[1].id))
        view.service.setCurrentIndex(view.service.findData(desk.services[1].id))
        qtbot.mouseClick(view.walkin_button, Qt.MouseButton.LeftButton)
        await until(lambda: "Maria Gomez" in names_in(app, Phase.WAITING), timeout=5)
        assert "queue number" in window.banner.text
        window.nav.setCurrentRow(CHECKIN)
        await settle(app)
        screenshot(window, "reception_checkin")

    arun(qloop, scenario())
    entries = {e.patient.full_name: e for e in app.board.model.entries(Phase.WAITING)}
    assert entries["Maria Gomez"].doctor.id == desk.doctors[1].id
    assert entries["Maria Gomez"].service.name == "Vaccination"
    assert sorted(e.queue_number for e in entries.values()) == [1, 2]


def test_change_by_another_client_arrives_through_the_socket(reception: ReceptionApp, qloop, live_server, desk):
    app = reception
    window = app.window

    async def scenario() -> None:
        await until(lambda: window.indicator.state == "connected", timeout=10)
        manual = app.board.fetch_count
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other:
            response = await other.post(
                "/queue/checkin",
                json={
                    "patient_id": desk.patients[1].id,
                    "doctor_id": desk.doctors[0].id,
                    "service_id": desk.services[0].id,
                },
            )
            assert response.status_code == 201, response.text
        # nobody touched the app: the push made it refetch
        await until(lambda: names_in(app, Phase.WAITING) == ["John Smith"], timeout=3)
        assert app.board.fetch_count == manual + 1

    arun(qloop, scenario())


def test_a_burst_of_ten_events_is_one_refetch_and_one_model_update(visits, reception: ReceptionApp, qloop):
    app = reception

    async def scenario() -> None:
        await app.board.wait_idle()
        fetches, updates = app.board.fetch_count, app.board.model.updates
        for i in range(10):
            app.bridge.on_event(ev.QUEUE_UPDATED, {"seq": 0, "clinic_id": 0, "visit_id": i, "reason": "checkin"})
        await until(lambda: app.board.fetch_count == fetches + 1, timeout=3)
        await asyncio.sleep(0.5)  # and nothing more comes
        assert app.board.fetch_count == fetches + 1
        assert app.board.model.updates == updates + 1

    arun(qloop, scenario())


def test_moving_a_card_to_the_doctor_reaches_the_server_and_the_doctor(
    visits, reception: ReceptionApp, qtbot, qloop, live_server, desk
):
    app = reception
    board = app.window.board_view
    doctor = desk.doctors[0]
    visit = visits["overdue"]

    async def scenario() -> None:
        recorder = await SocketRecorder(live_server.url, token_for(doctor.user)).connect()
        try:
            assert not board.send_button.isEnabled()
            assert board.select_visit(visit.id)
            assert board.send_button.isEnabled()
            qtbot.mouseClick(board.send_button, Qt.MouseButton.LeftButton)
            pushed = await recorder.wait_for(ev.PATIENT_WITH_DOCTOR, lambda d: d["visit"]["id"] == visit.id)
            assert pushed[0]["patient"]["full_name"] == "Maria Gomez"
            await until(lambda: "Maria Gomez" in names_in(app, Phase.WITH_DOCTOR))
        finally:
            await recorder.close()
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as http:
            detail = (await http.get(f"/visits/{visit.id}")).json()
        assert detail["status"] == "IN_PROGRESS" and detail["start_time"] is not None

    arun(qloop, scenario())


def _drop(view, visit_id: int, source: Phase) -> None:
    """What a real drag does at the target: enter (the view decides whether it accepts), then drop."""
    mime = QMimeData()
    mime.setData(MIME, QByteArray(f"{visit_id}:{source.value}".encode()))
    center = view.viewport().rect().center()
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PySide marks the QPoint constructor deprecated
        enter = QDragEnterEvent(center, Qt.DropAction.MoveAction, mime, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), enter)
    drop = QDropEvent(QPointF(center), Qt.DropAction.MoveAction, mime, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), drop)


def test_drag_and_drop_moves_between_waiting_and_with_doctor_and_back(
    visits, reception: ReceptionApp, qloop, live_server, desk
):
    app = reception
    board = app.window.board_view
    visit = visits["fresh"]

    async def scenario() -> None:
        _drop(board.columns[Phase.WITH_DOCTOR].list, visit.id, Phase.WAITING)
        # Dr Carson already has Aisha with him (the clinic's limit is one): the drop asks first
        await until(board.confirm_bar.isVisible, timeout=5)
        board.confirm_send_button.click()
        await until(lambda: "John Smith" in names_in(app, Phase.WITH_DOCTOR), timeout=5)
        # back to waiting
        _drop(board.columns[Phase.WAITING].list, visit.id, Phase.WITH_DOCTOR)
        await until(lambda: "John Smith" in names_in(app, Phase.WAITING), timeout=5)
        # Completed takes no drops; the hint says who completes
        await settle(app)
        before = app.board.fetch_count
        _drop(board.columns[Phase.COMPLETED].list, visit.id, Phase.WAITING)
        await asyncio.sleep(0.3)
        assert "John Smith" in names_in(app, Phase.WAITING) and app.board.fetch_count == before

    arun(qloop, scenario())
    assert not board.columns[Phase.COMPLETED].list.acceptDrops()
    assert (
        board.findChild(type(board.day_label), "board_completed_hint").text() == "The doctor completes the consultation"
    )
    row = board.columns[Phase.WAITING].proxy.index(0, 0)
    assert card_at(row).id in {visits["overdue"].id, visit.id}
