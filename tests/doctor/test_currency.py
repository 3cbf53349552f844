"""Issue 13: every amount in the doctor app is in the clinic's currency (Clinic.currency, read at sign-in), the
same way the reception app shows it: Today's Work earnings, My Earnings (cards, table, groups), the visit record."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from client_doctor import fmt
from common.qt import formatting
from tests.doctor.helpers import all_text, doc_screenshot
from tests.doctor.seed import Scene, seed_earnings
from tests.factories import make_payment
from tests.support.qt import arun, until


def test_amounts_show_the_clinic_currency(qloop, open_app, scene: Scene, committed_db: Session):
    scene.clinic.currency = "EUR"
    seed_earnings(committed_db, scene)
    make_payment(committed_db, scene.visit, amount="120.00", paid_at=datetime.now(UTC))  # today's earnings
    committed_db.commit()
    formatting.set_currency("")  # whatever the process had before: the app must learn it at sign-in

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        assert formatting.current_currency() == "EUR" and fmt.money(None) == "0.00 EUR"

        # Today's Work: the earnings card and its pending note
        await until(lambda: w.today_vm.dashboard is not None, 10)
        card = w.today_view.stat_earnings
        await until(lambda: card.value.text().endswith(" EUR"), 10)
        assert card.value.text() != "0.00 EUR"  # today's paid share, in euros
        assert "EUR pending" in card.note.text()

        # My Earnings: the summary cards and every amount in the table
        vm, view = w.earnings_vm, w.earnings_view
        w.nav.setCurrentRow(1)
        await until(lambda: vm.summary is not None and vm.pending == 0 and vm.model.rowCount() > 0, 10)
        for c in (view.card_paid, view.card_pending, view.card_refunded, view.card_month):
            assert c.value.text().endswith(" EUR"), c.value.text()
        table = all_text(vm.model)
        assert "100.00 EUR" in table and "45.50 EUR" in table and "33.33 EUR" in table
        await until(lambda: view.chart.title() == "Your share per day (EUR)", 10)  # the chart's bars too
        doc_screenshot(w, "doctor_earnings_currency")

        # ... grouped per day
        view.group.setCurrentIndex(1)
        await until(lambda: view.groups_model.rowCount() > 0 and vm.pending == 0, 10)
        grouped = all_text(view.groups_model)
        assert "350.00 EUR" in grouped, grouped  # the two payments three days ago, together

        # The visit record's payments
        w.open_record(scene.own_history[0].id)
        await until(lambda: w.in_record and w.record_vm.record is not None and w.record_vm.pending == 0, 10)
        assert "120.00 EUR" in all_text(w.record_view.payments_model)

        await session.aclose()
        assert formatting.current_currency() == ""  # not left behind for whoever signs in next

    arun(qloop, scenario(), timeout=60)
