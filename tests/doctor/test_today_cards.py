"""Today's Work under a stream of events (issue 11, no UI-thread stall at 100 events/s): a new dashboard changes
the cards that changed and keeps the others, instead of building every card again for every event."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from client_doctor.settings import DoctorSettings
from client_doctor.viewmodels.today import TodayViewModel
from client_doctor.views import today as today_module
from client_doctor.views.today import TodayView
from common.schemas import DoctorDashboard, DoctorOut, RevenueFigure, TodayRevenue, VisitOut

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _visit(visit_id: int, status: str = "WAITING", **changes: Any) -> VisitOut:
    in_progress = status == "IN_PROGRESS"
    data = {
        "id": visit_id,
        "clinic_id": 1,
        "patient_id": visit_id,
        "doctor_id": 1,
        "service_id": 3,
        "appointment_id": None,
        "queue_date": "2026-11-30",
        "queue_number": visit_id,
        "status": status,
        "check_in_time": START + timedelta(minutes=visit_id),
        "start_time": START + timedelta(hours=1) if in_progress else None,
        "end_time": None,
        "version": 1,
        "patient": {"id": visit_id, "full_name": f"Patient {visit_id}", "phone": "+1"},
        "doctor": {"id": 1, "full_name": "Dr D"},
        "service": {"id": 3, "name": "Check-up", "price": "100.00", "duration_minutes": 30},
        **changes,
    }
    return VisitOut.model_validate(data)


def _dashboard(active: list[VisitOut], waiting: list[VisitOut]) -> DoctorDashboard:
    zero = RevenueFigure(total=Decimal(0), doctor_share=Decimal(0))
    return DoctorDashboard(
        date=date(2026, 11, 30),
        today_visits=len(active) + len(waiting),
        waiting=len(waiting),
        active_consultations=len(active),
        completed=0,
        today_revenue=TodayRevenue(pending=zero, paid=zero, refunded=zero),
        upcoming_appointments=0,
        active_visits=active,
        waiting_visits=waiting,
    )


@pytest.fixture
def page(qtbot, tmp_path: Path, monkeypatch) -> Any:
    built: list[int] = []

    class CountedCard(today_module.PatientCard):
        def __init__(self, visit: VisitOut, **kw: Any) -> None:
            built.append(visit.id)
            super().__init__(visit, **kw)

    monkeypatch.setattr(today_module, "PatientCard", CountedCard)
    doctor = DoctorOut(
        id=1, user_id=1, clinic_id=1, full_name="D", specialty="", phone="", commission_rate=None, is_active=True
    )
    settings = DoctorSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    vm = TodayViewModel(object(), doctor, settings)  # type: ignore[arg-type]  # no request in these tests
    view = TodayView(vm, now=lambda: START + timedelta(hours=2))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()

    def show(dashboard: DoctorDashboard) -> None:
        vm.dashboard = dashboard
        vm.dashboard_changed.emit(dashboard)

    yield view, show, built
    vm.close()


def _shown(view: TodayView) -> tuple[list[int], list[int]]:
    """The visit ids of the cards each section lays out, in order."""

    def ids(layout: Any) -> list[int]:
        return [w.visit.id for w in layout.widgets() if hasattr(w, "visit")]

    return ids(view.active_layout), ids(view.waiting_layout)


def test_a_new_dashboard_builds_only_the_cards_that_changed(page):
    view, show, built = page
    active = [_visit(i, "IN_PROGRESS") for i in (1, 2, 3, 4, 5, 6)]
    waiting = [_visit(i) for i in (7, 8, 9, 10)]
    show(_dashboard(active, waiting))
    assert sorted(built) == [1, 2, 3, 4, 5, 6, 7, 8, 9]  # the active ones and the next three waiting
    first = dict(view.cards)

    built.clear()
    show(_dashboard(active, waiting))  # a refetch that changed nothing on this page
    assert built == []

    # patient 7 is sent in (a push): one card for them in "With you now", patient 10 moves up into the next three
    moved = _visit(7, "IN_PROGRESS", version=2)
    show(_dashboard([*active, moved], waiting[1:]))
    assert sorted(built) == [7, 10]
    assert _shown(view) == ([1, 2, 3, 4, 5, 6, 7], [8, 9, 10])
    assert all(view.cards[i] is first[i] for i in (1, 2, 3, 4, 5, 6, 8, 9))  # the others kept their cards

    # patient 3 completes, patient 9 is called (a changed visit: its card is new), the order follows the server's
    built.clear()
    called = _visit(9, status="CALLED", room="R2", version=2)
    show(_dashboard([a for a in [*active, moved] if a.id != 3], [called, waiting[1], waiting[3]]))
    assert built == [9]
    assert _shown(view) == ([1, 2, 4, 5, 6, 7], [9, 8, 10])
    assert view.card(9) is not None and view.card(9).badge.text() == "Called · R2"
    assert view.card(3) is None and first[3].isHidden()  # gone from the page (deleted later)


def test_the_empty_states_follow_the_lists(page):
    view, show, built = page
    show(_dashboard([], []))
    assert not view.active.empty.isHidden() and not view.waiting.empty.isHidden()
    show(_dashboard([_visit(1, "IN_PROGRESS")], []))
    assert view.active.empty.isHidden() and not view.waiting.empty.isHidden()
    assert _shown(view) == ([1], [])
    show(_dashboard([], [_visit(2)]))
    assert not view.active.empty.isHidden() and view.waiting.empty.isHidden()
    assert _shown(view) == ([], [2])
    assert built == [1, 2]


def test_a_push_restyles_only_the_cards_whose_highlight_changed(page, monkeypatch):
    from client_doctor.views import widgets

    view, show, built = page
    show(_dashboard([_visit(i, "IN_PROGRESS") for i in range(1, 7)], []))
    restyled: list[int] = []
    original = widgets.repolish
    monkeypatch.setattr(widgets, "repolish", lambda w: (restyled.append(w.visit.id), original(w)))
    view.vm.highlight_changed.emit(3)  # patient 3 was just sent in
    assert restyled == [3]
    assert view.card(3).highlighted and view.card(3).badge.text() == "● Just sent in"
    restyled.clear()
    view.vm.highlight_changed.emit(4)
    assert sorted(restyled) == [3, 4]
    assert not view.card(3).highlighted and view.card(4).highlighted
