"""My Earnings: filters change the rows and the summary exactly as the server computes them; CSV; paging."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.enums import PaymentMethod, PaymentStatus
from common.qt import formatting
from common.schemas import EarningsQuery
from server.models import Payment, Visit
from tests.doctor.helpers import ok, reception_http
from tests.doctor.seed import Scene, seed_earnings
from tests.support.qt import arun, screenshot, until

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Seeded:
    id: int
    day: date
    status: PaymentStatus
    method: PaymentMethod
    amount: Decimal
    share: Decimal


def _seeded(session: Session, doctor_id: int) -> list[Seeded]:
    rows = session.scalars(select(Payment).join(Visit).where(Visit.doctor_id == doctor_id)).all()
    return [
        Seeded(p.id, (p.paid_at or p.created_at).astimezone(UTC).date(), p.status, p.method, p.amount, p.doctor_share)
        for p in rows
    ]


def _expect(rows: list[Seeded], f: EarningsQuery) -> tuple[set[int], dict[str, Decimal]]:
    """Independent of the server: filter and sum the seeded payments in Python (clinic timezone is UTC)."""
    chosen = [
        r
        for r in rows
        if (f.start_date is None or r.day >= f.start_date)
        and (f.end_date is None or r.day <= f.end_date)
        and (f.status is None or r.status == f.status)
        and (f.payment_method is None or r.method == f.payment_method)
    ]
    today = datetime.now(UTC).date()

    def share(status: PaymentStatus, month_only: bool = False) -> Decimal:
        return sum(
            (
                r.share
                for r in chosen
                if r.status == status and (not month_only or (r.day.year, r.day.month) == (today.year, today.month))
            ),
            ZERO,
        )

    summary = {
        "total_paid": share(PaymentStatus.PAID),
        "pending": share(PaymentStatus.PENDING),
        "refunded": share(PaymentStatus.REFUNDED),
        "this_month": share(PaymentStatus.PAID, month_only=True),
    }
    return {r.id for r in chosen}, summary


def test_filters_change_rows_and_summary_exactly_as_the_server(
    qloop, open_app, scene: Scene, committed_db: Session, live_server, tmp_path: Path
):
    seed_earnings(committed_db, scene)
    seeded = _seeded(committed_db, scene.doctor.id)
    assert len(seeded) == 10

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm, view = w.earnings_vm, w.earnings_view
        w.nav.setCurrentRow(1)

        async def check(f: EarningsQuery) -> None:
            await until(lambda: vm.filters == f and vm.pending == 0 and vm.summary is not None, 10)
            ids, expected = _expect(seeded, f)
            assert {r.payment_id for r in vm.model.rows} == ids
            assert vm.model.total == len(ids) == vm.summary.count
            for name, value in expected.items():
                assert getattr(vm.summary, name) == value, name
            # ... and exactly what the server says for the same filters (the app shows its figures).
            server = await session.api.earnings(f, per_page=500)
            assert vm.summary == server.summary
            assert [r.payment_id for r in vm.model.rows] == [r.payment_id for r in server.items]
            assert view.card_paid.value.text() == formatting.format_money(expected["total_paid"])
            assert view.card_pending.value.text() == formatting.format_money(expected["pending"])
            assert view.card_refunded.value.text() == formatting.format_money(expected["refunded"])
            assert view.card_month.value.text() == formatting.format_money(expected["this_month"])

        await check(EarningsQuery())
        assert vm.summary.pending > 0 and vm.summary.refunded > 0
        screenshot(w, "doctor_earnings")

        view.status.setCurrentIndex(view.status.findData(PaymentStatus.PAID))
        await check(EarningsQuery(status=PaymentStatus.PAID))

        view.method.setCurrentIndex(view.method.findData(PaymentMethod.CARD))
        await check(EarningsQuery(status=PaymentStatus.PAID, payment_method=PaymentMethod.CARD))
        assert vm.model.total == 1

        view.clear_filters()
        today = datetime.now(UTC).date()
        start = today - timedelta(days=6)
        view.start.setDate(start)
        view.end.setDate(today)
        await check(EarningsQuery(start_date=start, end_date=today))
        assert 0 < vm.model.total < len(seeded)

        # Group by date: one row per day, and the chart has one bar per day.
        view.group.setCurrentIndex(view.group.findData("date"))
        assert view.tables.currentWidget() is view.groups_table
        days = sorted({r.day for r in seeded if start <= r.day <= today})
        assert [g.date for g in vm.groups] == days
        assert view.groups_model.rowCount() == len(days)
        series = view.chart.series()
        assert len(series) == 1 and series[0].barSets()[0].count() == len(days)
        screenshot(w, "doctor_earnings_grouped")

        # Export CSV of the filtered rows (the dialog is skipped: the view-model takes the path).
        target = tmp_path / "earnings.csv"
        written = await vm.export_csv(target)
        with target.open(newline="", encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
        assert written == len(lines) - 1 == vm.model.total
        assert {int(line[0]) for line in lines[1:]} == {r.payment_id for r in vm.model.rows}

    arun(qloop, scenario(), timeout=60)


def test_payment_processed_refreshes_earnings(qloop, open_app, scene: Scene, committed_db: Session, live_server):
    seed_earnings(committed_db, scene)

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm = w.earnings_vm
        w.nav.setCurrentRow(1)
        await until(lambda: vm.summary is not None and vm.pending == 0, 10)
        before = vm.summary
        # Reception takes a payment for today's visit: the doctor's earnings update live.
        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post("/payments", json={"visit_id": scene.visit.id, "amount": "200.00", "status": "PAID"}))
        await until(lambda: vm.summary.count == before.count + 1, 10, "earnings did not refresh on payment_processed")
        assert vm.summary.total_paid == before.total_paid + Decimal("120.00")  # 0.6 of 200.00

    arun(qloop, scenario(), timeout=45)
