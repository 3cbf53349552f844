"""Issue 13, money: the end-of-day cash-up from the Payments screen — by method and by doctor (doctor share,
centre share), refunds apart, totals in the clinic's currency — checked against the payments themselves, and
saved as CSV and as a printable PDF."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from client_reception.app import ReceptionApp
from client_reception.views.common import documents_folder
from client_reception.views.main_window import PAYMENTS
from common.enums import PaymentMethod, PaymentStatus, VisitStatus
from common.qt.formatting import format_money
from server.models import Payment
from tests.factories import make_payment, make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


@pytest.fixture
def day_of_payments(committed_db, desk: Desk) -> list[Payment]:
    desk.clinic.currency = "GBP"
    now = datetime.now(UTC)
    plan = [
        (0, "120.00", PaymentMethod.CASH, PaymentStatus.PAID),
        (1, "45.50", PaymentMethod.CARD, PaymentStatus.PAID),
        (0, "80.00", PaymentMethod.CARD, PaymentStatus.PAID),
        (1, "60.00", PaymentMethod.CASH, PaymentStatus.REFUNDED),
        (0, "30.00", PaymentMethod.CASH, PaymentStatus.PENDING),  # not money taken
    ]
    payments = []
    for i, (doctor, amount, method, status) in enumerate(plan):
        visit = make_visit(
            committed_db,
            patient=desk.patients[i % 4],
            doctor=desk.doctors[doctor],
            service=desk.services[0],
            status=VisitStatus.COMPLETED,
            queue_number=i + 1,
            check_in_time=now - timedelta(minutes=90 - i),
            start_time=now - timedelta(minutes=80 - i),
            end_time=now - timedelta(minutes=70 - i),
        )
        payments.append(make_payment(committed_db, visit, amount=amount, method=method, status=status))
    committed_db.commit()
    return payments


def test_cash_up_totals_match_the_payments_and_save_as_csv_and_pdf(
    day_of_payments, reception: ReceptionApp, qtbot, qloop, tmp_path, committed_db
):
    app = reception
    window = app.window
    payments = day_of_payments
    # what the cash-up must say, from the payments themselves: a refund was money taken, then given back
    taken = [p for p in payments if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)]
    refunded = [p for p in payments if p.status == PaymentStatus.REFUNDED]
    by_method: dict[PaymentMethod, Decimal] = defaultdict(Decimal)
    for p in taken:
        by_method[p.method] += p.amount
    total = sum((p.amount for p in taken), Decimal(0))
    refunds = sum((p.amount for p in refunded), Decimal(0))

    async def scenario() -> None:
        window.nav.setCurrentRow(PAYMENTS)
        await settle(app)
        qtbot.mouseClick(window.payments_view.cash_up_button, Qt.MouseButton.LeftButton)
        dialog = window.payments_view.cash_up
        assert dialog is not None and dialog.isVisible() and not dialog.isModal()
        await until(lambda: app.cash_up.report is not None and dialog.csv_button.isEnabled(), 10)
        report = app.cash_up.report
        assert report.currency == "GBP" and dialog.currency.text() == "Amounts in GBP"
        assert {line.method: line.amount for line in report.by_method} == dict(by_method)
        assert report.totals.amount == total and report.totals.refunded == refunds
        assert report.totals.net == total - refunds
        assert report.totals.doctor_share + report.totals.center_share == report.totals.amount
        # on screen, as the tables and totals show them
        assert dialog.totals["amount"].text() == f"{format_money(total, 'GBP')} ({len(taken)})"
        assert dialog.totals["refunded"].text() == f"{format_money(refunds, 'GBP')} ({len(refunded)})"
        assert dialog.totals["net"].text() == format_money(total - refunds, "GBP")
        method_model = dialog.method_table.model()
        shown = {
            method_model.index(r, 0).data(): method_model.index(r, 2).data() for r in range(method_model.rowCount())
        }
        assert shown == {
            "Cash": format_money(by_method[PaymentMethod.CASH], "GBP"),
            "Card": format_money(by_method[PaymentMethod.CARD], "GBP"),
        }
        assert dialog.doctor_table.model().rowCount() == 2 and dialog.refund_table.model().rowCount() == 1
        screenshot(dialog, "reception_cash_up")

        for fmt, button in (("csv", dialog.csv_button), ("pdf", dialog.pdf_button)):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            files = dialog.file_dialog
            assert files.isVisible() and files.selectedFiles()[0].endswith(app.cash_up.file_name(fmt))
            assert Path(files.directory().absolutePath()) == documents_folder()
            target = tmp_path / f"day.{fmt}"
            files.selectFile(str(target))
            files.accept()
            await until(lambda t=target: t.exists() and t.stat().st_size > 0, 10)
        csv_text = (tmp_path / "day.csv").read_text(encoding="utf-8-sig")
        assert "GBP" in csv_text and "USD" not in csv_text
        assert (tmp_path / "day.pdf").read_bytes().startswith(b"%PDF")
        assert "Cash-up saved to" in window.banner.text

        # a payment taken meanwhile: the open cash-up follows
        fetches = app.cash_up.fetch_count
        await app.payments.mark_paid(payments[-1].id)
        await until(lambda: app.cash_up.fetch_count > fetches, 10)
        await until(lambda: app.cash_up.report.totals.amount == total + Decimal("30.00"), 10)
        dialog.close()
        await settle(app)

    arun(qloop, scenario(), timeout=60)
