"""Issue 14, item 3: Schedule's "View details" (the appointment, the patient's visits, each a visit record) and
"Cancel" (asks a reason; reception's socket gets `appointment_cancelled` with it), and the minute timer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from common.enums import AppointmentStatus
from server.models import Appointment
from tests.doctor.helpers import doc_screenshot, reception_socket
from tests.doctor.seed import Scene
from tests.factories import _announce
from tests.support.qt import arun, until


def _tomorrow_appointment(db, scene: Scene) -> Appointment:  # noqa: ANN001
    start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    appt = Appointment(
        clinic_id=scene.clinic.id,
        patient_id=scene.patient.id,
        doctor_id=scene.doctor.id,
        service_id=scene.service.id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=AppointmentStatus.CONFIRMED,
        notes="Bring the ECG from the hospital",
        created_by=scene.receptionist.id,
    )
    db.add(appt)
    db.flush()
    # A booking moves the rooms' seqs (services/outbox.py): the server keeps the schedule per the doctor's seq,
    # so a row written here, past the services, is announced the same way (tests/factories._announce).
    _announce(db, clinic_id=scene.clinic.id, doctor_id=scene.doctor.id)
    db.commit()
    return appt


def test_schedule_details_open_record_and_cancel_reaches_reception(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db
):
    appt = _tomorrow_appointment(committed_db, scene)

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm, view = w.schedule_vm, w.schedule_view
        # Today's Work counts what is booked ahead (the dashboard's upcoming_appointments is a count now).
        note = w.today_view.stat_visits.note
        await until(lambda: note.text() == "1 booked in the next 7 days", 10, note.text())
        w.nav.setCurrentRow(3)
        await until(lambda: appt.id in view.appointment_ids() and vm.pending == 0, 10)
        assert view.select(appt.id)
        assert view.details_button.isEnabled() and view.cancel_button.isEnabled()
        qtbot.mouseClick(view.details_button, Qt.MouseButton.LeftButton)
        details = view.details
        await until(lambda: details.isVisible() and details.history_model.rowCount() == 3, 10)
        assert details.patient.text() == "Alice Harper" and details.service.text() == "Cardiac check-up"
        assert details.notes.text() == "Bring the ECG from the hospital" and details.status.text() == "Confirmed"
        doc_screenshot(w, "doctor_schedule_details")

        # The patient's record from here: the newest visit opens as a visit record; Back returns to Schedule.
        details.history.setCurrentIndex(details.history_model.index(1, 0))
        qtbot.mouseClick(details.open_visit, Qt.MouseButton.LeftButton)
        await until(lambda: w.in_record and w.record_vm.record is not None, 10)
        assert w.record_view.notes.toPlainText() in ("BP stable", "Chest pain follow-up")
        qtbot.keyClick(w, Qt.Key.Key_Escape)
        assert w.stack.currentWidget() is view and details.isVisible()

        async with reception_socket(live_server.url, scene.receptionist.username) as desk:
            qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
            assert details.cancel_bar.isVisible() and not details.confirm.isEnabled()  # a reason is required
            qtbot.keyClicks(details.reason_edit, "Doctor at a conference")
            doc_screenshot(w, "doctor_schedule_cancel")
            qtbot.mouseClick(details.confirm, Qt.MouseButton.LeftButton)
            await until(lambda: desk.named("appointment_cancelled"), 10, "reception never heard of the cancel")
        body = desk.named("appointment_cancelled")[0]["appointment"]
        assert body["id"] == appt.id and body["cancel_reason"] == "Doctor at a conference"
        await until(lambda: appt.id not in view.appointment_ids() and vm.pending == 0, 10)
        assert details.status.text() == "Cancelled" and details.reason.text() == "Doctor at a conference"
        assert not details.cancel.isEnabled()
        assert "cancelled" in w.toast.text()

    arun(qloop, scenario(), timeout=60)


def test_schedule_refetches_on_its_timer(qloop, open_app, scene: Scene, committed_db):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm = w.schedule_vm
        assert vm.periodic_ms == 60_000 and not vm.periodic_active  # a minute; not before Schedule is opened
        vm.set_periodic_ms(200)
        w.nav.setCurrentRow(3)
        await until(lambda: vm.fetch_count >= 1 and vm.pending == 0, 10)
        assert vm.periodic_active
        # Nothing is pushed; an appointment booked behind the server's back appears by the timer alone.
        appt = _tomorrow_appointment(committed_db, scene)
        fetches = vm.fetch_count
        await until(lambda: appt.id in w.schedule_view.appointment_ids(), 5, "the timer did not refetch")
        assert vm.fetch_count > fetches
        w.shutdown()
        assert not vm.periodic_active  # stopped with the window

    arun(qloop, scenario(), timeout=40)
