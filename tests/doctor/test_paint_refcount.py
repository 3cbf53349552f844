"""Issue 10: every page of the doctor's window (cards, consultation, earnings chart, tables) painted thousands
of times leaves None's reference count where it was."""

from __future__ import annotations

from client_doctor.views.main_window import EARNINGS, PATIENTS, SCHEDULE, TODAY
from tests.doctor.helpers import ok, reception_http
from tests.doctor.seed import Scene
from tests.support.qt import arun, until
from tests.support.refcount import TOLERANCE, paint_drift

TIMES = 300


def test_painting_every_doctor_page_keeps_nones_refcount(qloop, open_app, scene: Scene, live_server):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username, auto_open=False)
        w = session.window
        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post("/queue/phase/move", json={"visit_id": scene.visit.id, "phase": "with_doctor"}))
        await until(lambda: (c := w.today_view.card(scene.visit.id)) is not None and c.highlighted, 10)
        pages = []
        for section in (TODAY, EARNINGS, PATIENTS, SCHEDULE):
            w.nav.setCurrentRow(section)
            await until(lambda: not any(vm.pending for vm in (w.earnings_vm, w.patients_vm, w.schedule_vm)), 10)
            pages.append(w.stack.currentWidget())
        w.open_consultation(scene.visit.id)
        await until(lambda: w.consultation_vm.data is not None, 10)
        pages.append(w.consultation_view)
        w.toast.show_message("Alice Harper is with you now")
        drift = paint_drift([*pages, w.toast], TIMES)
        assert drift >= -TOLERANCE, f"None lost {-drift} references over {TIMES} paints of every page"

    arun(qloop, scenario(), timeout=180)
