"""Issue 14, item 1: My Patients follows the doctor's own visit and payment events (debounced), keeping the
selected patient selected and refreshing their visits."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from tests.doctor.helpers import all_text, ok, reception_http
from tests.doctor.seed import Scene
from tests.factories import make_patient
from tests.support.qt import arun, screenshot, until


def test_my_patients_updates_live_and_keeps_the_selection(qloop, open_app, scene: Scene, live_server, committed_db):
    newcomer = make_patient(committed_db, scene.clinic, full_name="Zed Newcomer")
    committed_db.commit()

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm, view = w.patients_vm, w.patients_view
        w.nav.setCurrentRow(2)
        await until(lambda: vm.model.total == 1 and vm.pending == 0, 10)
        view.table.selectionModel().setCurrentIndex(
            vm.model.index(0, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        await until(lambda: view.visits_model.rowCount() == 3 and vm.pending == 0, 10)
        assert "Not billed" in all_text(view.visits_model)  # today's visit, not paid yet
        fetches = vm.fetch_count

        async with reception_http(live_server.url, scene.receptionist) as http:
            # A payment for today's visit and a walk-in for this doctor, back to back: one refetch.
            ok(await http.post("/payments", json={"visit_id": scene.visit.id, "status": "PAID", "method": "CARD"}))
            body = {"patient_id": newcomer.id, "doctor_id": scene.doctor.id, "service_id": scene.service.id}
            ok(await http.post("/queue/checkin", json=body))

        await until(lambda: vm.model.total == 2 and vm.pending == 0, 10, "the walk-in did not reach My Patients")
        await until(lambda: "Paid" in all_text(view.visits_model), 10, "the payment did not reach the visits")
        assert vm.fetch_count == fetches + 1  # debounced: two events, one request
        names = [p.full_name for p in vm.model.rows]
        assert set(names) == {"Alice Harper", "Zed Newcomer"}
        # Still Alice selected, though the newcomer came in above her (newest visit first).
        current = view.table.selectionModel().currentIndex()
        assert vm.model.row_at(current.row()).full_name == "Alice Harper"
        assert [i.row() for i in view.table.selectionModel().selectedRows()] == [current.row()]
        assert vm.selected is not None and vm.selected.full_name == "Alice Harper"
        assert "Alice Harper" in view.detail_title.text()
        screenshot(w, "doctor_patients_live")

    arun(qloop, scenario(), timeout=60)
