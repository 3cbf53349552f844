"""Issue 14, item 2: the read-only visit record (patient, notes, prescription, payments, timeline), reached from
My Patients and from the consultation's previous visits; Back (and Esc) return to where it was opened."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy.orm import Session

from common.enums import Priority, VisitStatus
from server.models import VisitPriorityChange, VisitStatusChange
from tests.doctor.helpers import all_text, doc_screenshot
from tests.doctor.seed import Scene
from tests.doctor.test_push_safety import send_in
from tests.support.qt import arun, until

S = VisitStatus


def add_timeline(db: Session, scene: Scene) -> None:
    """The first previous visit's story: checked in, made urgent, called, seen, completed."""
    visit = scene.own_history[0]
    at = visit.check_in_time
    desk, me = scene.receptionist.id, scene.doctor.user_id
    steps = [(None, S.WAITING, desk, 0), (S.WAITING, S.CALLED, me, 6), (S.CALLED, S.IN_PROGRESS, me, 8)]
    steps.append((S.IN_PROGRESS, S.COMPLETED, me, 25))
    for old, new, by, minutes in steps:
        db.add(
            VisitStatusChange(
                visit_id=visit.id,
                from_status=old,
                to_status=new,
                room="Room 3" if new == S.CALLED else None,
                changed_by=by,
                changed_at=at + timedelta(minutes=minutes),
            )
        )
    db.add(
        VisitPriorityChange(
            visit_id=visit.id,
            from_priority=Priority.NORMAL,
            to_priority=Priority.URGENT,
            changed_by=desk,
            changed_at=at + timedelta(minutes=2),
        )
    )
    visit.room = "Room 3"
    for payment in visit.payments:  # taken and paid at the desk when the consultation ended
        payment.created_at = payment.paid_at = at + timedelta(minutes=27)
        payment.created_by = payment.paid_by = desk
    db.commit()


def select(view, row: int) -> None:  # noqa: ANN001
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().setCurrentIndex(view.model().index(row, 0), flags)


def test_visit_record_from_my_patients_and_from_the_consultation(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db
):
    add_timeline(committed_db, scene)
    first = scene.own_history[0]

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        pv = w.patients_view
        w.nav.setCurrentRow(2)
        await until(lambda: w.patients_vm.model.total == 1 and w.patients_vm.pending == 0, 10)
        select(pv.table, 0)
        await until(lambda: pv.visits_model.rowCount() == 3, 10)
        row = next(i for i, v in enumerate(pv.visits_model.rows) if v.id == first.id)
        select(pv.visits, row)
        assert pv.open_visit.isEnabled()
        qtbot.mouseClick(pv.open_visit, Qt.MouseButton.LeftButton)

        rv = w.record_view
        await until(lambda: w.in_record and w.record_vm.record is not None and w.record_vm.pending == 0, 10)
        assert "Alice Harper" in rv.title.text() and rv.status.text() == "Completed"
        assert rv.notes.toPlainText() == "BP stable" and rv.prescription.toPlainText() == "Amlodipine 5 mg"
        assert rv.notes.isReadOnly() and rv.prescription.isReadOnly()
        assert "Penicillin" in rv.panel.allergies.text()
        assert "120.00" in all_text(rv.payments_model) and "Paid" in all_text(rv.payments_model)
        timeline = all_text(rv.timeline_model)
        for words in ("Status: Waiting", "Priority: Normal → Urgent", "Called to Room 3", "In progress → Completed"):
            assert words in timeline, timeline
        assert "Payment paid: 120.00 CASH" in timeline
        assert any(e.by_name and e.to_value == "PAID" for e in w.record_vm.record.timeline)  # who took the money
        doc_screenshot(w, "doctor_visit_record")

        qtbot.keyClick(w, Qt.Key.Key_Escape)  # Back returns to My Patients, the patient still selected
        assert w.stack.currentWidget() is pv and w.patients_vm.selected is not None

        # From the consultation: the previous visits table opens the record; Back returns to the consultation.
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        cv = w.consultation_view
        await until(lambda: cv.history_model.rowCount() == 2, 10)
        row = next(i for i, v in enumerate(cv.history_model.rows) if v.id == first.id)
        select(cv.history_table, row)
        qtbot.mouseClick(cv.open_history, Qt.MouseButton.LeftButton)
        await until(lambda: w.in_record and w.record_vm.record is not None and w.record_vm.record.visit.id == first.id)
        assert w.consultation_open  # a push now would be announced, not opened over it
        qtbot.mouseClick(rv.back, Qt.MouseButton.LeftButton)
        assert w.in_consultation and w.consultation_vm.visit_id == scene.visit.id
        assert cv.bound_visit_id == scene.visit.id  # the editors still belong to the open visit

    arun(qloop, scenario(), timeout=60)
