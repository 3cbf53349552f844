"""Issue 14, item 6: booking a follow-up from the consultation — this patient, this doctor, a service, a day,
a free slot offered by the server — reaches reception live (its socket) and is in the clinic's appointments."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from tests.doctor.helpers import doc_screenshot, ok, reception_http, reception_socket
from tests.doctor.seed import Scene
from tests.doctor.test_push_safety import send_in
from tests.support.qt import arun, until


def test_follow_up_from_the_consultation_reaches_reception(qloop, qtbot, open_app, scene: Scene, live_server):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        cv = w.consultation_view
        qtbot.mouseClick(cv.follow_up, Qt.MouseButton.LeftButton)
        dialog, vm = w.follow_up_dialog, w.follow_up_vm
        await until(lambda: dialog.isVisible() and dialog.slots.count() > 0 and vm.pending == 0, 10)
        assert dialog.patient.text() == "Alice Harper" and dialog.doctor.text() == scene.doctor.user.full_name
        assert dialog.service.currentData() == scene.service.id  # the visit's service by default
        # The server's free slots: every quarter hour of the (all-hours) schedule that day.
        assert dialog.slots.count() == len(vm.slots) == 96

        # A booking by the desk at 10:00 that day takes that slot out (schedule minus booked appointments).
        ten = next(s for s in vm.slots if s.hour == 10 and s.minute == 0)
        async with reception_http(live_server.url, scene.receptionist) as http:
            body = {"patient_id": scene.patient.id, "doctor_id": scene.doctor.id, "service_id": scene.service.id}
            ok(await http.post("/appointments", json={**body, "start_time": ten.isoformat()}))
        day = dialog.day.date()
        dialog.day.setDate(day.addDays(1))
        dialog.day.setDate(day)  # asked again
        await until(lambda: ten not in vm.slots and vm.pending == 0, 10)
        assert len(vm.slots) == 96 - 3  # 09:45, 10:00, 10:15 overlap a 30-minute appointment at 10:00

        eleven = next(i for i in range(dialog.slots.count()) if dialog.slots.item(i).text().endswith("11:00"))
        dialog.slots.setCurrentRow(eleven)
        qtbot.keyClicks(dialog.notes, "Lipid panel before")
        doc_screenshot(dialog, "doctor_follow_up")
        async with reception_socket(live_server.url, scene.receptionist.username) as desk:
            qtbot.mouseClick(dialog.book, Qt.MouseButton.LeftButton)
            await until(lambda: desk.named("appointment_created"), 10, "reception never heard of the booking")
        created = desk.named("appointment_created")[0]["appointment"]
        start = datetime.fromisoformat(created["start_time"])
        assert created["patient_id"] == scene.patient.id and created["doctor_id"] == scene.doctor.id
        assert created["notes"] == "Lipid panel before" and created["created_by"] == scene.doctor.user_id
        assert (start.hour, start.minute) == (11, 0)  # the slot chosen (the clinic is on UTC)
        await until(lambda: not dialog.isVisible(), 5)
        assert "Follow-up booked" in w.toast.text()
        assert w.in_consultation  # the consultation stays open underneath
        async with reception_http(live_server.url, scene.receptionist) as http:
            listed = ok(await http.get("/appointments", params={"patient_id": scene.patient.id}))
        assert created["id"] in {a["id"] for a in listed["items"]}

    arun(qloop, scenario(), timeout=60)
