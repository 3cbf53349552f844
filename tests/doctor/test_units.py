"""Pieces of the doctor app that need no server: drafts, the paged model, debouncing, settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from client_doctor.drafts import Draft, DraftStore
from client_doctor.settings import DoctorSettings
from client_doctor.viewmodels.earnings import EARNING_COLUMNS
from client_doctor.viewmodels.today import TodayViewModel
from common.enums import PaymentMethod, PaymentStatus
from common.qt.paged_model import PagedTableModel
from common.schemas import DoctorOut, EarningRow
from tests.support.qt import arun, until


def _row(i: int) -> EarningRow:
    return EarningRow(
        payment_id=i,
        visit_id=i,
        date=datetime(2024, 3, 5, 10, tzinfo=UTC),
        patient_name=f"P{i}",
        service_name="S",
        amount=Decimal("10.00"),
        doctor_share=Decimal("6.00"),
        status=PaymentStatus.PAID,
        method=PaymentMethod.CASH,
    )


def test_drafts_round_trip_and_clear(tmp_path: Path):
    store = DraftStore(tmp_path / "drafts")
    assert store.load(7) is None
    store.save(7, Draft(notes="n", prescription="p"))
    assert store.load(7) == Draft("n", "p")
    assert DraftStore(tmp_path / "drafts").load(7) == Draft("n", "p")  # survives a restart
    store.save(7, Draft())  # emptied by the doctor: nothing left on disk
    assert store.load(7) is None and not list((tmp_path / "drafts").iterdir())
    store.save(8, Draft(notes="x"))
    (tmp_path / "drafts" / "visit_9.json").write_text("not json")
    assert store.load(9) is None  # a corrupt file is ignored, not a crash
    store.clear(8)
    assert store.load(8) is None


def test_settings_auto_open_defaults_on_and_persists(tmp_path: Path):
    path = str(tmp_path / "s.ini")
    settings = DoctorSettings(QSettings(path, QSettings.Format.IniFormat))
    assert settings.auto_open_consultation is True
    settings.auto_open_consultation = False
    assert DoctorSettings(QSettings(path, QSettings.Format.IniFormat)).auto_open_consultation is False


def test_paged_model_fetches_on_demand_and_drops_stale_pages(qtmodeltester):
    model: PagedTableModel[EarningRow] = PagedTableModel(EARNING_COLUMNS)
    wanted: list[int] = []
    model.more_wanted.connect(lambda: wanted.append(model.loaded))
    gen = model.reset([_row(i) for i in range(3)], total=5)
    assert model.canFetchMore() and model.columnCount() == 7
    assert model.data(model.index(0, 3)) == "10.00" and model.data(model.index(0, 5)) == "Paid"
    model.fetchMore()
    model.fetchMore()  # a second request while one is in flight is not sent
    assert wanted == [3] and model.loading and not model.canFetchMore()
    assert model.append_page(gen, [_row(3), _row(4)], total=5)
    assert model.loaded == 5 and not model.canFetchMore()
    new_gen = model.reset([_row(9)], total=2)
    assert not model.append_page(gen, [_row(10)], total=2)  # belongs to the old filters: ignored
    assert model.loaded == 1
    model.fetchMore()
    assert model.append_page(new_gen, [], total=2)  # rows vanished meanwhile: stop asking
    assert not model.canFetchMore()
    qtmodeltester.check(model)
    more: PagedTableModel[EarningRow] = PagedTableModel(EARNING_COLUMNS)
    more.reset([_row(1)], total=50)
    qtmodeltester.check(more)  # the tester's own fetchMore() just asks once and waits


class _FakeApi:
    """Counts dashboard calls; enough for the debounce (the HTTP client itself is tested in tests/common)."""

    def __init__(self) -> None:
        self.calls = 0

    async def doctor_dashboard(self) -> Any:
        from common.schemas import DoctorDashboard, RevenueFigure, TodayRevenue

        self.calls += 1
        zero = RevenueFigure(total=Decimal(0), doctor_share=Decimal(0))
        return DoctorDashboard(
            date=date.today(),
            today_visits=0,
            waiting=0,
            active_consultations=0,
            completed=0,
            today_revenue=TodayRevenue(pending=zero, paid=zero, refunded=zero),
            upcoming_appointments=0,
        )


def _doctor() -> DoctorOut:
    return DoctorOut(
        id=1,
        user_id=1,
        clinic_id=1,
        full_name="D",
        specialty="",
        phone="",
        commission_rate=Decimal("0.5"),
        is_active=True,
    )


def test_a_burst_of_events_refetches_once(qloop, tmp_path: Path):
    doctor = _doctor()
    api = _FakeApi()
    settings = DoctorSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    vm = TodayViewModel(api, doctor, settings)  # type: ignore[arg-type]  # a fake ApiClient

    async def scenario() -> None:
        for _ in range(10):  # ten queue_updated events in one burst
            vm.refresh_soon({})
            await asyncio.sleep(0.01)
        await until(lambda: api.calls == 1, 2)
        await asyncio.sleep(0.5)
        assert api.calls == 1
        vm.refresh_soon({})  # a later, separate burst refetches again
        await until(lambda: api.calls == 2, 2)
        await vm.wait_idle()

    try:
        arun(qloop, scenario())
    finally:
        vm.close()


class _SlowApi:
    """Answers nothing until released: what the doctor sees before any request returns is the push alone."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.calls: list[str] = []

    async def doctor_dashboard(self):
        self.calls.append("dashboard")
        await self.release.wait()
        raise AssertionError("not released in this test")

    async def visit(self, visit_id: int):
        self.calls.append("visit")
        await self.release.wait()
        raise AssertionError("not released in this test")

    async def history(self, *args: Any, **kw: Any):
        self.calls.append("history")
        await self.release.wait()
        raise AssertionError("not released in this test")


def _push_event(visit_id: int, doctor_id: int) -> Any:
    from common.schemas import PatientWithDoctorEvent

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    service = {"id": 3, "name": "Check-up", "price": "100.00", "duration_minutes": 30}
    visit = {
        "id": visit_id,
        "clinic_id": 1,
        "patient_id": 5,
        "doctor_id": doctor_id,
        "service_id": 3,
        "appointment_id": None,
        "queue_date": "2026-11-30",
        "queue_number": 4,
        "status": "IN_PROGRESS",
        "check_in_time": now.isoformat(),
        "start_time": now.isoformat(),
        "end_time": None,
        "notes": "",
        "prescription": "",
        "version": 2,
        "patient": {"id": 5, "full_name": "Alice Harper", "phone": "+1"},
        "doctor": {"id": doctor_id, "full_name": "Dr D"},
        "service": service,
    }
    past = {
        "id": 77,
        "status": "COMPLETED",
        "check_in_time": "2026-10-01T09:00:00+00:00",
        "start_time": None,
        "end_time": None,
        "notes": "BP stable",
        "service": service,
        "appointment": None,
        "payment_status": "PAID",
        "amount": "100.00",
        "doctor_share": "60.00",
    }
    patient = {
        "id": 5,
        "clinic_id": 1,
        "full_name": "Alice Harper",
        "phone": "+1",
        "date_of_birth": None,
        "gender": "",
        "medical_history": "Hypertension",
        "allergies": "Penicillin",
    }
    return PatientWithDoctorEvent.model_validate({"visit": visit, "patient": patient, "visit_history": [past]})


def test_the_push_is_shown_at_once_and_refreshed_behind(qloop, tmp_path: Path):
    """Issue 11: the pushed payload is rendered before any request answers (Today's Work and the consultation),
    and the refetch behind it does not make the consultation busy."""
    from client_doctor.drafts import DraftStore
    from client_doctor.viewmodels.consultation import ConsultationViewModel

    doctor = DoctorOut(
        id=1, user_id=1, clinic_id=1, full_name="D", specialty="", phone="", commission_rate=None, is_active=True
    )
    api = _SlowApi()
    settings = DoctorSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    today = TodayViewModel(api, doctor, settings)  # type: ignore[arg-type]
    consultation = ConsultationViewModel(api, doctor, DraftStore(tmp_path / "drafts"))  # type: ignore[arg-type]
    event = _push_event(visit_id=9, doctor_id=1)
    waiting = event.visit.model_copy(update={"status": "WAITING", "start_time": None, "version": 1})
    shown: list[Any] = []
    today.dashboard_changed.connect(shown.append)
    loaded: list[Any] = []
    consultation.loaded.connect(loaded.append)

    async def scenario() -> None:
        empty = await _FakeApi().doctor_dashboard()
        today.dashboard = empty.model_copy(update={"waiting": 1, "today_visits": 1, "waiting_visits": [waiting]})
        consultation.remember_push(event)
        today.on_patient_with_doctor(event)
        # Today's Work: the card moved to "With you now" already, no request answered yet.
        assert [v.id for v in shown[-1].active_visits] == [9] and shown[-1].waiting_visits == []
        assert shown[-1].waiting == 0 and shown[-1].active_consultations == 1
        consultation.open(9)
        assert loaded and loaded[-1].visit.patient_detail.full_name == "Alice Harper"
        assert [h.id for h in loaded[-1].history] == [77]
        assert consultation.can_complete and not consultation.busy  # the refresh behind is quiet
        await until(lambda: "visit" in api.calls, 2)  # ... and it does happen

    try:
        arun(qloop, scenario())
    finally:
        today.close()
        consultation.close()


def test_a_patient_waiting_since_before_midnight_shows_the_day(qtbot):
    """Today's Work past the clinic's midnight: a card of a visit checked in yesterday says which day."""
    from datetime import timedelta

    from client_doctor.views.widgets import PatientCard
    from common.qt.formatting import format_datetime, format_time

    visit = _push_event(7, 1).visit.model_copy(update={"status": "WAITING", "start_time": None})
    now = visit.check_in_time + timedelta(hours=2)
    today_card = PatientCard(visit, now=now)
    qtbot.addWidget(today_card)
    assert today_card.checkin.text().startswith(f"Checked in {format_time(visit.check_in_time)} ·")
    carried = PatientCard(visit, now=visit.check_in_time + timedelta(days=1))
    qtbot.addWidget(carried)
    assert carried.checkin.text().startswith(f"Checked in {format_datetime(visit.check_in_time)} ·")
    assert carried.checkin.text().endswith("waiting 24 h")


def test_today_refetches_once_when_the_clinics_day_turns(qloop, tmp_path: Path):
    from datetime import timedelta

    doctor = _doctor()
    api = _FakeApi()
    settings = DoctorSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    vm = TodayViewModel(api, doctor, settings)  # type: ignore[arg-type]  # a fake ApiClient
    shown = date(2026, 11, 29)

    async def scenario() -> None:
        vm.follow_day(shown, shown)  # the same day: nothing
        vm.follow_day(None, shown + timedelta(days=1))  # nothing shown yet: the first load comes anyway
        await asyncio.sleep(0.5)
        assert api.calls == 0
        for _ in range(3):  # ticks after midnight: one refetch
            vm.follow_day(shown, shown + timedelta(days=1))
        await until(lambda: api.calls == 1, 2)
        await asyncio.sleep(0.5)
        assert api.calls == 1
        await vm.wait_idle()

    try:
        arun(qloop, scenario())
    finally:
        vm.close()
