"""Appointments (book only in free scheduled hours, edit, cancel with confirmation, conflicts as human messages)
and Patients (debounced search, register and edit with validation), through the UI against the real server."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import httpx
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from shiboken6 import isValid

from client_reception.app import ReceptionApp
from client_reception.views.main_window import APPOINTMENTS, PATIENTS
from common.enums import AppointmentStatus
from server.models import Doctor, DoctorSchedule
from tests.factories import auth, make_doctor
from tests.reception.conftest import Desk, make_appointment, settle
from tests.support.qt import arun, screenshot, until


@pytest.fixture
def part_timer(committed_db, desk: Desk) -> tuple[Doctor, datetime]:
    """A doctor who works 09:00–11:00 tomorrow only, already booked 09:30–10:00."""
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    doctor = make_doctor(committed_db, desk.clinic, full_name="Dr Cara Part", specialty="Dermatology", all_hours=False)
    committed_db.add_all(
        DoctorSchedule(doctor_id=doctor.id, day_of_week=tomorrow.weekday(), hour=h, is_available=True) for h in (9, 10)
    )
    nine = datetime.combine(tomorrow, time(9), tzinfo=UTC)
    make_appointment(committed_db, desk, patient=desk.patients[0], doctor=doctor, start=nine + timedelta(minutes=30))
    committed_db.commit()
    return doctor, nine


def gone(dialog) -> bool:
    """Closed (dialogs delete themselves once finished)."""
    return not isValid(dialog) or not dialog.isVisible()


def offered(dialog) -> list[str]:
    return [dialog.start.itemText(i) for i in range(dialog.start.count())]


def test_book_edit_and_cancel_an_appointment(part_timer, reception: ReceptionApp, qtbot, qloop, live_server, desk):
    doctor, nine = part_timer
    app = reception
    window = app.window
    view = window.appointments_view
    tomorrow = nine.date()

    async def scenario() -> None:
        await until(lambda: app.catalog.doctor(doctor.id) is not None, timeout=5)
        window.nav.setCurrentRow(APPOINTMENTS)
        await settle(app)
        assert app.appointments.model.rowCount() == 2  # today's two
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
        await until(lambda: app.appointments.model.rowCount() == 1)

        # book: patient search, doctor, service, date → only the free start times are offered
        qtbot.mouseClick(view.book_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        assert dialog is not None and dialog.isVisible()
        qtbot.keyClicks(dialog.search, "Khan")
        await until(lambda: app.appointments.search.model.rowCount() == 1, timeout=5)
        dialog.results.selectRow(0)
        assert dialog.patient is not None and dialog.patient.full_name == "Aisha Khan"
        dialog.service.setCurrentIndex(dialog.service.findData(desk.services[0].id))  # 30 min
        dialog.doctor.setCurrentIndex(dialog.doctor.findData(doctor.id))
        dialog.date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        await until(lambda: offered(dialog) == ["09:00", "10:00", "10:15", "10:30"], timeout=5)
        assert dialog.slots_hint.text() == "4 free start times"
        dialog.start.setCurrentIndex(1)
        dialog.notes.setText("first visit")
        screenshot(dialog, "reception_appointment_dialog")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: gone(dialog), timeout=5)
        await until(lambda: app.appointments.model.rowCount() == 2, timeout=5)
        booked = next(a for a in app.appointments.model.rows if a.patient.full_name == "Aisha Khan")
        assert booked.start_time == nine + timedelta(hours=1) and booked.notes == "first visit"

        # a conflict: the slot is taken by someone else while the dialog is open → a human message, no crash
        qtbot.mouseClick(view.book_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        assert app.appointments.search.model.rowCount() == 0  # a fresh picker
        qtbot.keyClicks(dialog.search, "Baker")
        await until(lambda: app.appointments.search.model.rowCount() == 1, timeout=5)
        dialog.results.selectRow(0)
        assert dialog.patient.full_name == "Tom Baker"
        dialog.service.setCurrentIndex(dialog.service.findData(desk.services[0].id))
        dialog.doctor.setCurrentIndex(dialog.doctor.findData(doctor.id))
        dialog.date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        await until(lambda: offered(dialog) == ["09:00", "10:30"], timeout=5)
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other:
            taken = await other.post(
                "/appointments",
                json={
                    "patient_id": desk.patients[1].id,
                    "doctor_id": doctor.id,
                    "service_id": desk.services[0].id,
                    "start_time": nine.isoformat(),
                },
            )
            assert taken.status_code == 201, taken.text
        dialog.start.setCurrentIndex(0)  # 09:00, just taken
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(dialog.error_label.isVisible, timeout=5)
        assert dialog.error_label.text().startswith("That time was just taken")
        assert dialog.isVisible() and dialog.ok_button.isEnabled()
        await until(lambda: offered(dialog) == ["10:30"], timeout=5)  # the offer is refreshed
        screenshot(dialog, "reception_appointment_conflict")
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

        # edit: move Aisha to 10:30 (her own slot is offered back while editing)
        await until(lambda: app.appointments.model.rowCount() == 3, timeout=5)
        row = next(i for i, a in enumerate(app.appointments.model.rows) if a.id == booked.id)
        view.table.selectRow(row)
        qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        await until(lambda: offered(dialog) == ["10:00", "10:15", "10:30"], timeout=5)
        assert dialog.start.currentText() == "10:00"
        dialog.start.setCurrentIndex(2)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: gone(dialog), timeout=5)
        await until(
            lambda: app.appointments.model.find(booked.id).start_time == nine + timedelta(minutes=90), timeout=5
        )

        # cancel, with confirmation
        row = app.appointments.model.position_of(booked.id)
        view.table.selectRow(row)
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
        box = view.findChild(QMessageBox, "confirm_dialog")
        assert box is not None and "Aisha Khan" in box.text()
        qtbot.mouseClick(box.findChild(QPushButton, "confirm_yes"), Qt.MouseButton.LeftButton)
        await until(
            lambda: app.appointments.model.find(booked.id).status == AppointmentStatus.CANCELLED,
            timeout=5,
        )
        await settle(app)
        view.table.clearSelection()
        screenshot(window, "reception_appointments")

    arun(qloop, scenario(), timeout=60)


def test_register_search_and_edit_patients(reception: ReceptionApp, qtbot, qloop):
    app = reception
    window = app.window
    view = window.patients_view

    async def scenario() -> None:
        window.nav.setCurrentRow(PATIENTS)
        await until(lambda: app.patients.model.rowCount() == 4, timeout=5)
        # typing is debounced: one request for the whole word
        searches = app.patients.search_count
        qtbot.keyClicks(view.search, "smi")
        await until(lambda: app.patients.model.rowCount() == 1, timeout=5)
        assert app.patients.search_count == searches + 1
        assert app.patients.patient_at(0).full_name == "John Smith"

        # register, with local validation first
        qtbot.mouseClick(view.register_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(dialog.error_label.isVisible)
        assert "full name" in dialog.error_label.text()
        qtbot.keyClicks(dialog.name, "Zoe Field")
        assert not dialog.error_label.isVisible()  # issue 13: the required-name message goes once a name is typed
        qtbot.keyClicks(dialog.phone, "call me")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: "phone number" in dialog.error_label.text())
        dialog.phone.setText("+1 555 2020")
        dialog.dob_known.setChecked(True)
        dialog.dob.setDate(QDate(1990, 4, 2))
        dialog.allergies.setText("penicillin")
        screenshot(dialog, "reception_patient_dialog")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: gone(dialog), timeout=5)
        assert "Registered Zoe Field" in window.banner.text

        view.search.setText("Zoe")
        await until(lambda: app.patients.model.rowCount() == 1 and app.patients.patient_at(0).full_name == "Zoe Field")
        created = app.patients.patient_at(0)
        assert created.phone == "+1 555 2020" and created.allergies == "penicillin"
        assert str(created.date_of_birth) == "1990-04-02"

        # edit
        view.table.selectRow(0)
        qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        assert dialog.name.text() == "Zoe Field" and dialog.dob_known.isChecked()
        dialog.phone.setText("+1 555 3030")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: gone(dialog), timeout=5)
        await until(lambda: app.patients.model.rowCount() == 1 and app.patients.patient_at(0).phone == "+1 555 3030")
        view.search.setText("")
        await until(lambda: app.patients.model.rowCount() == 5, timeout=5)
        await settle(app)
        screenshot(window, "reception_patients")

    arun(qloop, scenario(), timeout=40)
