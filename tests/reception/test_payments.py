"""Payments through the UI against the real server: take a payment (amount defaults to the service price),
save its receipt as a PDF, record a pending one and mark it paid, refund with confirmation; today's takings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from client_reception import receipt as receipts
from client_reception.app import ReceptionApp
from client_reception.views.common import documents_folder
from client_reception.views.main_window import PAYMENTS
from client_reception.views.payment_dialog import PaymentDialog, parse_money
from common.enums import PaymentMethod, PaymentStatus, VisitStatus
from server.models import Visit
from tests.factories import make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


@pytest.fixture
def finished(committed_db, desk: Desk) -> list[Visit]:
    """Two consultations completed this morning, not paid yet."""
    now = datetime.now(UTC)
    made = [
        make_visit(
            committed_db,
            patient=desk.patients[i],
            doctor=desk.doctors[i],
            service=desk.services[i],
            status=VisitStatus.COMPLETED,
            queue_number=i + 1,
            check_in_time=now - timedelta(minutes=40 - i),
            start_time=now - timedelta(minutes=30 - i),
            end_time=now - timedelta(minutes=10 - i),
        )
        for i in range(2)
    ]
    committed_db.commit()
    return made


async def open_take_dialog(app: ReceptionApp, qtbot) -> PaymentDialog:
    view = app.window.payments_view
    qtbot.mouseClick(view.take_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    await until(lambda: dialog.visit.count() > 0 and dialog.ok_button.isEnabled(), timeout=5)
    return dialog


def test_take_payment_and_save_the_receipt_as_pdf(finished, reception: ReceptionApp, qtbot, qloop, tmp_path):
    app = reception
    window = app.window
    view = window.payments_view
    pdf = tmp_path / "receipt.pdf"

    async def scenario() -> None:
        window.nav.setCurrentRow(PAYMENTS)
        await settle(app)
        assert app.payments.model.rowCount() == 0
        dialog = await open_take_dialog(app, qtbot)
        dialog.visit.setCurrentIndex(dialog.visit.findData(finished[0].id))
        await until(lambda: dialog.amount.text() == "120.00")  # the service price
        dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD))
        screenshot(dialog, "reception_payment")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: dialog.payment is not None, timeout=5)
        payment = dialog.payment
        assert payment.status == PaymentStatus.PAID and payment.amount == Decimal("120.00")
        assert payment.method == PaymentMethod.CARD and payment.doctor_share == Decimal("72.00")
        assert dialog.receipt.isVisible() and dialog.done_label.isVisible()
        screenshot(dialog, "reception_payment_done")
        # Save as PDF: the (non-blocking) file dialog, a file chosen, the receipt written
        qtbot.mouseClick(dialog.receipt.save_button, Qt.MouseButton.LeftButton)
        files = dialog.receipt.file_dialog
        assert isinstance(files, QFileDialog) and files.isVisible()
        # issue 13: it opens in the user's Documents, not in the program's folder
        assert Path(files.directory().absolutePath()) == documents_folder() != Path.cwd()
        files.selectFile(str(pdf))
        files.accept()
        await until(lambda: pdf.exists() and pdf.stat().st_size > 0)
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        await until(lambda: app.payments.model.rowCount() == 1, timeout=5)
        await until(lambda: view.takings.values["paid"].text() == "120.00 USD", timeout=5)
        await settle(app)
        screenshot(window, "reception_payments")

    arun(qloop, scenario(), timeout=40)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert "Receipt saved" in window.banner.text or "Payment taken" in window.banner.text


def test_pending_payment_marked_paid_then_refunded_with_confirmation(finished, reception: ReceptionApp, qtbot, qloop):
    app = reception
    window = app.window
    view = window.payments_view

    async def scenario() -> None:
        window.nav.setCurrentRow(PAYMENTS)
        await settle(app)
        dialog = await open_take_dialog(app, qtbot)
        dialog.visit.setCurrentIndex(dialog.visit.findData(finished[1].id))
        await until(lambda: dialog.amount.text() == "45.50")
        # a bad amount is refused in the dialog, before the server is asked
        dialog.amount.setText("12,345.678")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(dialog.error_label.isVisible)
        assert "two decimals" in dialog.error_label.text()
        dialog.amount.setText("40")
        dialog.paid_now.setChecked(False)  # pay later
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: dialog.payment is not None, timeout=5)
        assert dialog.payment.status == PaymentStatus.PENDING
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        await until(lambda: app.payments.model.rowCount() == 1, timeout=5)
        await until(lambda: view.takings.values["pending"].text() == "40.00 USD", timeout=5)

        view.table.selectRow(0)
        assert view.pay_button.isEnabled() and not view.refund_button.isEnabled()
        assert not view.receipt.save_button.isEnabled()  # no receipt for an unpaid payment
        qtbot.mouseClick(view.pay_button, Qt.MouseButton.LeftButton)
        await until(lambda: app.payments.model.row_at(0).status == PaymentStatus.PAID, timeout=5)
        await until(lambda: view.takings.values["paid"].text() == "40.00 USD", timeout=5)

        view.table.selectRow(0)
        assert view.refund_button.isEnabled()
        qtbot.mouseClick(view.refund_button, Qt.MouseButton.LeftButton)
        box = view.findChild(QMessageBox, "refund_confirm")
        assert box is not None and box.isVisible() and "Refund 40.00 USD" in box.text()
        qtbot.mouseClick(box.findChild(type(view.pay_button), "confirm_yes"), Qt.MouseButton.LeftButton)
        await until(lambda: app.payments.model.row_at(0).status == PaymentStatus.REFUNDED, timeout=5)
        await until(lambda: view.takings.values["refunded"].text() == "40.00 USD", timeout=5)
        await settle(app)

    arun(qloop, scenario(), timeout=40)


def test_receipt_has_every_field(finished, reception: ReceptionApp, qloop, tmp_path):
    app = reception

    async def scenario():
        return await app.payments.take_payment(visit_id=finished[0].id, amount=None, method=PaymentMethod.CASH)

    payment = arun(qloop, scenario())
    receipt = app.payments.receipt_for(payment)
    html = receipts.receipt_html(receipt)
    for text in ("Riverside Family Clinic", "Maria Gomez", "Consultation", "120.00", "Cash", receipt.number):
        assert text in html
    assert receipt.number == f"R-{payment.visit_date:%Y%m%d}-{payment.id:06d}"

    async def save_and_print() -> None:
        # Inside the running loop, as in the app: rendering a document lets Qt dispatch events, and qasync runs
        # the asyncio callbacks waiting among them (a socket event, a debounced refetch); outside a running
        # loop (between two `arun`s) a debounced refetch started there died ("no running event loop") and the
        # board never settled.
        path = receipts.save_pdf(receipt, tmp_path / "r.pdf")
        assert path.read_bytes().startswith(b"%PDF")
        # the Print path renders the same document on a QPrinter (here one that prints to a file)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        receipts.print_receipt(receipt, printer)
        assert (tmp_path / "printed.pdf").stat().st_size > 1000
        await settle(app)

    arun(qloop, save_and_print())


def test_parse_money():
    assert parse_money("120") == Decimal("120.00")
    assert parse_money("45,5") == Decimal("45.50")
    assert parse_money("1.234") is None and parse_money("") is None and parse_money("abc") is None


def test_take_payment_from_a_completed_card_on_the_board(finished, reception: ReceptionApp, qtbot, qloop):
    app = reception
    window = app.window
    board = window.board_view

    async def scenario() -> None:
        assert not board.pay_button.isEnabled()
        assert board.select_visit(finished[1].id)
        qtbot.mouseClick(board.pay_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentIndex() == PAYMENTS
        dialog = window.payments_view.dialog
        assert dialog is not None and dialog.isVisible()
        await until(lambda: dialog.visit.currentData() == finished[1].id and dialog.amount.text() == "45.50", timeout=5)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: dialog.payment is not None, timeout=5)
        assert dialog.payment.visit_id == finished[1].id and dialog.payment.amount == Decimal("45.50")
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        await settle(app)

    arun(qloop, scenario(), timeout=30)
