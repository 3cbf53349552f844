"""Issue 13, what a receptionist tripped over: "Take payment…" opened on visit #1, already paid, with its amount
filled in. Now it opens for the selected card's visit and never for one with a pending or paid payment (the
button says why); completed cards say Paid / Unpaid; the selected card stays selected when it moves; and the
clinic's currency (not a hard-coded one) is on screen and on receipts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PySide6.QtCore import Qt

from client_reception import receipt as receipts
from client_reception.app import ReceptionApp
from client_reception.views.board_card import card_chips
from client_reception.views.main_window import CHECKIN, PAYMENTS
from common.enums import PaymentStatus, Phase, VisitStatus
from server.models import Visit
from tests.factories import auth, make_payment, make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


@pytest.fixture
def euro_clinic(committed_db, desk: Desk) -> Desk:
    desk.clinic.currency = "EUR"
    committed_db.commit()
    return desk


@pytest.fixture
def settled(committed_db, euro_clinic: Desk) -> dict[str, Visit]:
    """Three finished consultations: one paid, one with a pending payment, one not paid at all."""
    desk = euro_clinic
    now = datetime.now(UTC)
    made = {}
    for i, key in enumerate(("paid", "pending", "unpaid")):
        made[key] = make_visit(
            committed_db,
            patient=desk.patients[i],
            doctor=desk.doctors[0],
            service=desk.services[0],
            status=VisitStatus.COMPLETED,
            queue_number=i + 1,
            check_in_time=now - timedelta(minutes=60 - i),
            start_time=now - timedelta(minutes=50 - i),
            end_time=now - timedelta(minutes=40 - i),
        )
    make_payment(committed_db, made["paid"], amount="120.00", status=PaymentStatus.PAID)
    make_payment(committed_db, made["pending"], amount="120.00", status=PaymentStatus.PENDING)
    committed_db.commit()
    return made


def chips_of(app: ReceptionApp, visit_id: int) -> list[str]:
    card = app.board.model.card(visit_id)
    return [chip.text for chip in card_chips(card.entry, card.phase, False)]


def test_take_payment_only_for_the_selected_unpaid_visit_in_the_clinic_currency(
    settled, reception: ReceptionApp, qtbot, qloop
):
    app = reception
    window = app.window
    board = window.board_view

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries(Phase.COMPLETED)) == 3, 10)
        await settle(app)
        assert chips_of(app, settled["paid"].id) == ["Paid"]
        assert chips_of(app, settled["pending"].id) == ["Payment pending"]
        assert chips_of(app, settled["unpaid"].id) == ["Unpaid"]

        # a paid card, a pending card: the button is off and says why
        assert board.select_visit(settled["paid"].id)
        assert not board.pay_button.isEnabled() and "Already paid" in board.pay_button.toolTip()
        assert board.select_visit(settled["pending"].id)
        assert not board.pay_button.isEnabled() and "pending" in board.pay_button.toolTip()
        board.columns[Phase.COMPLETED].list.doubleClicked.emit(board.columns[Phase.COMPLETED].list.currentIndex())
        assert window.stack.currentIndex() != PAYMENTS  # a double-click does not open it either
        screenshot(window, "reception_board_paid_unpaid")

        # the unpaid one: the dialog is bound to that visit, in the clinic's currency
        assert board.select_visit(settled["unpaid"].id)
        assert board.pay_button.isEnabled()
        qtbot.mouseClick(board.pay_button, Qt.MouseButton.LeftButton)
        dialog = window.payments_view.dialog
        await until(lambda: dialog.visit.count() == 1 and dialog.amount.text() == "120.00", timeout=5)
        assert dialog.visit.currentData() == settled["unpaid"].id and not dialog.visit.isEnabled()
        assert dialog.form.labelForField(dialog.amount).text() == "Amount (EUR)"
        assert "120.00 EUR" in dialog.visit_note.text()
        screenshot(dialog, "reception_payment_bound_to_card")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: dialog.payment is not None, timeout=5)
        assert dialog.payment.visit_id == settled["unpaid"].id
        assert "120.00 EUR" in dialog.done_label.text()
        receipt = app.payments.receipt_for(dialog.payment)
        html = receipts.receipt_html(receipt)
        assert "120.00 EUR" in html and "USD" not in html
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        await until(lambda: chips_of(app, settled["unpaid"].id) == ["Paid"], timeout=5)  # the board hears of it
        await until(lambda: not board.pay_button.isEnabled(), timeout=5)  # still selected, now paid

        # from the Payments screen: nothing left to pay for today, so no visit is offered at all
        await until(lambda: window.payments_view.takings.values["paid"].text() == "240.00 EUR", timeout=5)
        qtbot.mouseClick(window.payments_view.take_button, Qt.MouseButton.LeftButton)
        dialog = window.payments_view.dialog
        await until(lambda: "No visit today is waiting to be paid" in dialog.visit_note.text(), timeout=5)
        assert dialog.visit.count() == 0 and not dialog.ok_button.isEnabled()
        dialog.reject()
        window.nav.setCurrentRow(CHECKIN)
        await settle(app)
        service_texts = [window.checkin_view.service.itemText(i) for i in range(window.checkin_view.service.count())]
        assert any("120.00 EUR" in text for text in service_texts), service_texts

    arun(qloop, scenario(), timeout=60)


def test_the_selected_card_follows_its_visit_when_another_desk_moves_it(
    reception: ReceptionApp, qloop, live_server, desk: Desk, committed_db
):
    app = reception
    board = app.window.board_view
    now = datetime.now(UTC)
    visits = [
        make_visit(
            committed_db,
            patient=desk.patients[i],
            doctor=desk.doctors[i % 2],
            service=desk.services[0],
            status=VisitStatus.WAITING,
            queue_number=i + 1,
            check_in_time=now - timedelta(minutes=10 - i),
        )
        for i in range(3)
    ]
    committed_db.commit()
    chosen = visits[1]

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries(Phase.WAITING)) == 3, 10)
        await until(lambda: app.window.indicator.state == "connected", 10)
        await settle(app)
        assert board.select_visit(chosen.id)
        assert board.selection_label.text() == "#2 John Smith" and board.send_button.isEnabled()
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as other_desk:
            r = await other_desk.post("/queue/phase/move", json={"visit_id": chosen.id, "phase": "with_doctor"})
            assert r.status_code == 200, r.text
            await until(lambda: app.board.model.card(chosen.id).phase == Phase.WITH_DOCTOR, 10)
            await settle(app)
            # still the selected card, now in its new column, with that column's action
            assert board.selected_id == chosen.id
            assert board.columns[Phase.WITH_DOCTOR].list.selected_visit_id() == chosen.id
            assert board.back_button.isEnabled() and not board.send_button.isEnabled()
            r = await other_desk.post(
                "/queue/checkin",
                json={
                    "patient_id": desk.patients[3].id,
                    "doctor_id": desk.doctors[0].id,
                    "service_id": desk.services[0].id,
                },
            )
            assert r.status_code == 201, r.text
        await until(lambda: len(app.board.model.entries(Phase.WAITING)) == 3, 10)
        await settle(app)
        assert board.selected_id == chosen.id and board.selection_label.text() == "#2 John Smith"

    arun(qloop, scenario(), timeout=40)
