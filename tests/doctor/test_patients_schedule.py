"""My Patients (search narrows, selection shows this doctor's visits) and Schedule (live, grouped, empty state)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from sqlalchemy.orm import Session

from common.enums import VisitStatus
from tests.doctor.helpers import all_text, ok, reception_http
from tests.doctor.seed import Scene
from tests.factories import make_patient, make_visit
from tests.support.qt import arun, screenshot, until


def _add_patients(session: Session, scene: Scene) -> None:
    now = datetime.now(UTC)
    for i, (name, phone) in enumerate(
        [("Bob Stone", "+19995550101"), ("Bobby Tables", "+19995550102"), ("Carol King", "+17775550103")]
    ):
        patient = make_patient(session, scene.clinic, full_name=name, phone=phone)
        for k in range(i + 1):
            make_visit(
                session,
                patient=patient,
                doctor=scene.doctor,
                service=scene.service,
                status=VisitStatus.COMPLETED,
                check_in_time=now - timedelta(days=3 + i * 7 + k),
                notes=f"{name} visit {k}",
            )
    # A patient who only ever saw the other doctor never appears in this doctor's list.
    stranger = make_patient(session, scene.clinic, full_name="Bob Stranger", phone="+19995550199")
    make_visit(
        session,
        patient=stranger,
        doctor=scene.other_doctor,
        service=scene.service,
        status=VisitStatus.COMPLETED,
        check_in_time=now - timedelta(days=1),
    )
    session.commit()


def test_patient_search_narrows_and_selection_shows_own_visits(qloop, qtbot, open_app, scene: Scene, committed_db):
    _add_patients(committed_db, scene)

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm, view = w.patients_vm, w.patients_view
        w.nav.setCurrentRow(2)
        await until(lambda: vm.model.total == 4 and vm.pending == 0, 10)  # Alice, Bob, Bobby, Carol
        names = {p.full_name for p in vm.model.rows}
        assert names == {"Alice Harper", "Bob Stone", "Bobby Tables", "Carol King"}
        alice = next(p for p in vm.model.rows if p.full_name == "Alice Harper")
        assert alice.total_visits == 3  # two past visits + today's (the other doctor's visits are not counted)

        fetches = vm.fetch_count
        qtbot.keyClicks(view.search, "Bob")  # three keystrokes, one request after the pause
        await until(lambda: vm.model.total == 2 and vm.pending == 0, 10)
        assert {p.full_name for p in vm.model.rows} == {"Bob Stone", "Bobby Tables"}
        assert vm.fetch_count == fetches + 1
        view.search.clear()
        qtbot.keyClicks(view.search, "7775")  # by phone
        await until(lambda: [p.full_name for p in vm.model.rows] == ["Carol King"], 10)

        view.search.clear()
        await until(lambda: vm.model.total == 4 and vm.pending == 0, 10)
        row = next(i for i, p in enumerate(vm.model.rows) if p.full_name == "Alice Harper")
        view.table.selectRow(row)
        await until(lambda: view.visits_model.rowCount() == 3, 10)
        text = all_text(view.visits_model)
        assert "BP stable" in text and "Dermatology" not in text
        assert "Alice Harper" in view.detail_title.text()
        screenshot(w, "doctor_patients")

    arun(qloop, scenario(), timeout=45)


def test_schedule_shows_reception_booking_live_and_empty_state(qloop, open_app, scene: Scene, live_server):
    async def scenario() -> None:
        mine = await open_app(scene.doctor_username, profile="a")
        other = await open_app(scene.other_username, profile="b")
        w, ow = mine.window, other.window
        w.nav.setCurrentRow(3)
        ow.nav.setCurrentRow(3)
        await until(lambda: ow.schedule_vm.fetch_count >= 1 and ow.schedule_vm.pending == 0, 10)
        assert ow.schedule_view.empty.isVisible() and ow.schedule_view.empty.text() == "No upcoming appointments"
        assert not ow.schedule_view.tree.isVisible()
        screenshot(ow, "doctor_schedule_empty")

        await until(lambda: w.schedule_vm.fetch_count >= 1 and w.schedule_vm.pending == 0, 10)
        assert w.schedule_view.appointment_ids() == [scene.appointment.id]
        fetches = w.schedule_vm.fetch_count
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        in_three_days = tomorrow + timedelta(days=2, hours=3)
        async with reception_http(live_server.url, scene.receptionist) as http:
            created = []
            for start in (tomorrow, in_three_days):
                body = {
                    "patient_id": scene.patient.id,
                    "doctor_id": scene.doctor.id,
                    "service_id": scene.service.id,
                    "start_time": start.isoformat(),
                }
                created.append(ok(await http.post("/appointments", json=body))["id"])
        # No refresh by hand: the appointment_created events bring them in.
        await until(lambda: set(created) <= set(w.schedule_view.appointment_ids()), 10, "booking not shown live")
        assert w.schedule_vm.fetch_count > fetches
        tree = w.schedule_view.tree
        assert tree.topLevelItemCount() == 3  # today, tomorrow, in three days: one group per day
        first_child = tree.topLevelItem(1).child(0)
        assert first_child.text(1) == "Alice Harper" and first_child.text(2) == "Cardiac check-up"
        assert first_child.data(0, Qt.ItemDataRole.UserRole) == created[0]
        screenshot(w, "doctor_schedule")

        # Cancelled by reception → gone from the (default: upcoming) list, again without a refresh.
        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post(f"/appointments/{created[1]}/cancel", json={"reason": "patient called"}))
        await until(lambda: created[1] not in w.schedule_view.appointment_ids(), 10)
        assert ow.schedule_view.empty.isVisible()  # the other doctor never saw any of it

    arun(qloop, scenario(), timeout=45)
