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


def test_a_burst_of_events_refetches_once(qloop, tmp_path: Path):
    doctor = DoctorOut(
        id=1,
        user_id=1,
        clinic_id=1,
        full_name="D",
        specialty="",
        phone="",
        commission_rate=Decimal("0.5"),
        is_active=True,
    )
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
