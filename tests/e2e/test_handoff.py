"""End to end: both real apps (offscreen), one real server process, real PostgreSQL, driven only through widgets.

Reception checks a walk-in in and sends them to the doctor; the doctor's window shows the push, the doctor types
the notes and completes; reception's board shows the visit completed and takes the payment; the doctor's
earnings show it. A screenshot of each step lands in tests/screenshots/e2e_*.png.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QListView
from sqlalchemy.orm import Session

from client_doctor.app import DoctorSession
from client_doctor.settings import DoctorSettings
from client_doctor.views.main_window import EARNINGS
from client_reception.app import ReceptionApp
from client_reception.views.main_window import BOARD, CHECKIN
from common.enums import Phase, Role, VisitStatus
from common.qt.login_dialog import LoginDialog, login_flow
from server.models import Payment, Visit
from tests.factories import PASSWORD, make_clinic, make_doctor, make_patient, make_service, make_user
from tests.reception.conftest import close_app, login_through_dialog, settle
from tests.support.qt import arun, screenshot, sign_in, until

NOTES = "Sore throat for 3 days, tonsils red, no fever."
RX = "Paracetamol 500 mg up to 4x daily"


@pytest.fixture
def clinic(committed_db: Session) -> dict:
    clinic = make_clinic(committed_db, name="Harbour Clinic")
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic, full_name="Rosa Desk")
    doctor = make_doctor(committed_db, clinic, full_name="Dr Lena Ortiz", specialty="General practice")
    service = make_service(committed_db, clinic, name="Consultation", price="80.00")
    patient = make_patient(committed_db, clinic, full_name="Asher Okafor")
    committed_db.commit()
    return {"receptionist": receptionist, "doctor": doctor, "service": service, "patient": patient}


def click_card(qtbot, column: QListView, row: int = 0) -> None:
    rect = column.visualRect(column.model().index(row, 0))
    qtbot.mouseClick(column.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


async def doctor_signs_in(qtbot, url: str, username: str, tmp_path: Path) -> DoctorSession:
    """The doctor app's own sign-in dialog, typed into; then its window."""
    settings = QSettings(str(tmp_path / "doctor-login.ini"), QSettings.Format.IniFormat)
    dialog = LoginDialog(title="Consulting room", settings=settings, allowed_roles={Role.DOCTOR})
    flow = asyncio.ensure_future(login_flow(dialog=dialog))
    await sign_in(qtbot, dialog, url, username, PASSWORD)
    api = await asyncio.wait_for(flow, 15)
    assert api is not None
    prefs = DoctorSettings(QSettings(str(tmp_path / "doctor.ini"), QSettings.Format.IniFormat))
    session = await DoctorSession.start(api, settings=prefs, drafts_dir=tmp_path / "drafts")
    session.window.resize(1280, 800)
    await until(lambda: session.live.connected, 10, "the doctor app did not go live")
    return session


def test_the_whole_hand_off_through_both_windows(qtbot, qloop, live_server, clinic, committed_db, tmp_path):
    desk_settings = QSettings(str(tmp_path / "reception.ini"), QSettings.Format.IniFormat)
    reception: ReceptionApp = arun(
        qloop, login_through_dialog(qtbot, live_server.url, clinic["receptionist"].username, desk_settings)
    )
    reception.window.resize(1360, 820)
    doctor: DoctorSession | None = None
    try:
        doctor = arun(qloop, doctor_signs_in(qtbot, live_server.url, clinic["doctor"].user.username, tmp_path))
        arun(qloop, _scenario(qtbot, reception, doctor, clinic, committed_db), timeout=120)
    finally:
        if doctor is not None:
            arun(qloop, doctor.aclose())
            arun(qloop, doctor.api.aclose())
        close_app(qloop, reception)


async def _scenario(qtbot, desk: ReceptionApp, doctor: DoctorSession, clinic: dict, db: Session) -> None:
    rw, dw = desk.window, doctor.window
    await until(lambda: desk.live.connected, 10, "reception did not go live")
    await settle(desk)

    # 1. Reception checks the walk-in in: find the patient, pick doctor and service, Check in.
    rw.nav.setCurrentRow(CHECKIN)
    checkin = rw.checkin_view
    await settle(desk)
    qtbot.keyClicks(checkin.patient_search, "Okafor")
    await until(lambda: desk.checkin.search.model.rowCount() == 1, 10)
    checkin.results.selectRow(0)
    checkin.doctor.setCurrentIndex(checkin.doctor.findData(clinic["doctor"].id))
    checkin.service.setCurrentIndex(checkin.service.findData(clinic["service"].id))
    qtbot.mouseClick(checkin.walkin_button, Qt.MouseButton.LeftButton)
    await until(lambda: "queue number" in rw.banner.text, 10, "no check-in confirmation")
    await settle(desk)
    screenshot(rw, "e2e_1_reception_checked_in")

    # 2. On the board: select the card and send the patient in.
    rw.nav.setCurrentRow(BOARD)
    board = rw.board_view
    waiting = board.columns[Phase.WAITING].list
    await until(lambda: waiting.model().rowCount() == 1, 10, "the card is not on the board")
    qtbot.mouseClick(
        waiting.viewport(), Qt.MouseButton.LeftButton, pos=waiting.visualRect(waiting.model().index(0, 0)).center()
    )
    assert board.send_button.isEnabled()
    qtbot.mouseClick(board.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: board.columns[Phase.WITH_DOCTOR].list.model().rowCount() == 1, 10)
    await settle(desk)
    screenshot(rw, "e2e_2_reception_sent_in")

    # 3. The doctor's window shows the push: the consultation of Asher Okafor opens.
    await until(lambda: dw.in_consultation and dw.consultation_vm.data is not None, 15, "no push at the doctor")
    view = dw.consultation_view
    await until(lambda: view.patient_name.text() == "Asher Okafor" and not view.notes.isReadOnly(), 10)
    assert any("Asher Okafor" in n for n in dw.notifications)
    screenshot(dw, "e2e_3_doctor_push")

    # 4. The doctor types the notes and the prescription, and completes.
    qtbot.mouseClick(view.notes.viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is view.notes
    qtbot.keyClicks(view.notes, NOTES)
    qtbot.mouseClick(view.prescription.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.prescription, RX)
    await until(lambda: view.draft_state.text() == "Draft saved", 10)
    screenshot(dw, "e2e_4_doctor_notes")
    qtbot.mouseClick(view.complete, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.confirm_yes, Qt.MouseButton.LeftButton)
    await until(lambda: not dw.in_consultation and dw.today_view.success.isVisible(), 10, "not completed")
    assert "Asher Okafor" in dw.today_view.success.text()
    screenshot(dw, "e2e_5_doctor_completed")

    # 5. Reception's board shows it completed (live); the desk takes the payment from the card.
    done = board.columns[Phase.COMPLETED].list
    await until(lambda: done.model().rowCount() == 1, 10, "the board did not show the completion")
    await settle(desk)
    click_card(qtbot, done)
    assert board.pay_button.isEnabled()
    screenshot(rw, "e2e_6_reception_completed")
    qtbot.mouseClick(board.pay_button, Qt.MouseButton.LeftButton)
    dialog = rw.payments_view.dialog
    assert dialog is not None
    await until(lambda: dialog.isVisible() and dialog.amount.text() == "80.00" and dialog.ok_button.isEnabled(), 10)
    screenshot(dialog, "e2e_7_reception_payment_dialog")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.payment is not None, 10, "the payment was not taken")
    screenshot(dialog, "e2e_8_reception_paid")
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    await settle(desk)

    # 6. The doctor's earnings show it.
    dw.nav.setCurrentRow(EARNINGS)
    earnings = dw.earnings_view
    await until(lambda: dw.earnings_vm.model.rowCount() == 1, 15, "the earnings do not show the payment")
    row = dw.earnings_vm.model.row_at(0)
    assert row is not None and row.patient_name == "Asher Okafor" and str(row.amount) == "80.00"
    await until(lambda: earnings.isVisible())
    screenshot(dw, "e2e_9_doctor_earnings")

    db.expire_all()
    visit = db.query(Visit).filter_by(patient_id=clinic["patient"].id).one()
    assert (visit.status, visit.notes, visit.prescription) == (VisitStatus.COMPLETED, NOTES, RX)
    payment = db.query(Payment).filter_by(visit_id=visit.id).one()
    assert str(payment.amount) == "80.00" and payment.status.value == "PAID"
