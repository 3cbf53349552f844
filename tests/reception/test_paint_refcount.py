"""Issue 10: the board repaints every card every second; painting it thousands of times must leave None's
reference count where it was (an affected PySide6 aborted the desk after 7-9 minutes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from client_reception.app import ReceptionApp
from common.enums import Phase, VisitStatus
from tests.factories import make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until
from tests.support.refcount import TOLERANCE, delegate_drift, paint_drift

CARD_PAINTS = 2000  # every card, this many times: an hour of the board's once-a-second repaint
WINDOW_PAINTS = 200


def test_painting_the_board_thousands_of_times_keeps_nones_refcount(qloop, committed_db, desk: Desk, reception):
    now = datetime.now(UTC)
    a, b = desk.doctors
    p = desk.patients
    for number, (patient, doctor, status, arrived, started) in enumerate(
        [
            (p[0], a, VisitStatus.WAITING, 45, None),  # overdue: the red card with its badge
            (p[1], b, VisitStatus.WAITING, 2, None),
            (p[2], a, VisitStatus.IN_PROGRESS, 30, 5),
            (p[3], a, VisitStatus.COMPLETED, 60, 50),
        ],
        start=1,
    ):
        make_visit(
            committed_db,
            patient=patient,
            doctor=doctor,
            service=desk.services[0],
            status=status,
            queue_number=number,
            check_in_time=now - timedelta(minutes=arrived),
            start_time=now - timedelta(minutes=started) if started else None,
            end_time=now - timedelta(minutes=started - 10) if status == VisitStatus.COMPLETED and started else None,
        )
    committed_db.commit()
    app: ReceptionApp = reception
    board = app.window.board_view

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries()) == 4, 10)
        await settle(app)
        assert board.select_visit(app.board.model.entries(Phase.WAITING)[0].id)  # a selected card too
        screenshot(app.window, "reception_board_refcount")
        lists = [column.list for column in board.columns.values()]
        for column in lists:
            drift = delegate_drift(column, CARD_PAINTS)
            assert drift >= -TOLERANCE, f"None lost {-drift} references over {CARD_PAINTS} paints of {column.phase}"
        drift = paint_drift([app.window], WINDOW_PAINTS)
        assert drift >= -TOLERANCE, f"None lost {-drift} references over {WINDOW_PAINTS} window paints"
        # An empty column paints its "nobody" text: filter to the doctor with nothing completed.
        app.board.set_doctor(b.id)
        await until(lambda: app.window.board_view.columns[Phase.COMPLETED].list.model().rowCount() == 0, 10)
        await settle(app)
        drift = paint_drift(lists, WINDOW_PAINTS)
        assert drift >= -TOLERANCE, f"None lost {-drift} references over {WINDOW_PAINTS} empty-column paints"

    arun(qloop, scenario(), timeout=120)
