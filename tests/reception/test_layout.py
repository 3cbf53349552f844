"""Issue 13: the reception window is usable at 1280×720 and side by side (800 px wide on a 1600 px screen): the
board's columns shrink, cards wrap their labels instead of hiding the timer or OVERDUE behind a scroll bar, and
no screen asks for more than 800 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from client_reception.app import ReceptionApp
from client_reception.viewmodels.board import card_at
from client_reception.views.board_card import CHIP_OVERDUE, card_chips, is_overdue
from client_reception.views.main_window import SECTIONS
from common.enums import PaymentStatus, Phase, Priority, VisitStatus
from tests.factories import make_patient, make_payment, make_visit
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, screenshot, until


@pytest.fixture
def busy_morning(committed_db, desk: Desk) -> None:
    now = datetime.now(UTC)
    a, b = desk.doctors
    long_name = make_patient(committed_db, desk.clinic, full_name="Maximiliana Theodora Featherstonehaugh-Smythe")
    rows = [
        (long_name, a, VisitStatus.WAITING, 95, None),  # an hour and a half: overdue, with hours on the timer
        (desk.patients[0], b, VisitStatus.WAITING, 31, None),  # overdue
        (desk.patients[1], a, VisitStatus.CALLED, 2, None),
        (desk.patients[2], b, VisitStatus.IN_PROGRESS, 40, 12),
        (desk.patients[3], a, VisitStatus.COMPLETED, 80, 60),
    ]
    # the widest labels a card can have: an overdue emergency, a called patient with a room
    extra = {
        1: {"priority": Priority.EMERGENCY},
        2: {"priority": Priority.URGENT},
        3: {"room": "Room 12", "called_at": now - timedelta(minutes=1)},
    }
    for number, (patient, doctor, status, arrived, started) in enumerate(rows, start=1):
        made = make_visit(
            committed_db,
            patient=patient,
            doctor=doctor,
            service=desk.services[0],
            status=status,
            queue_number=number,
            check_in_time=now - timedelta(minutes=arrived),
            start_time=now - timedelta(minutes=started) if started else None,
            end_time=now - timedelta(minutes=started - 15) if status == VisitStatus.COMPLETED and started else None,
            **extra.get(number, {}),
        )
        if status == VisitStatus.COMPLETED:
            make_payment(committed_db, made, amount="120.00", status=PaymentStatus.PENDING)
    committed_db.commit()


def assert_cards_fit(app: ReceptionApp) -> int:
    """Every card is as wide as its column's viewport (no sideways scrolling), its labels are laid out whole
    within it, and its rectangle is tall enough for them. Returns how many cards were checked."""
    board = app.window.board_view
    checked = 0
    for phase, column in board.columns.items():
        view = column.list
        assert not view.horizontalScrollBar().isVisible(), f"{phase}: the cards scroll sideways"
        delegate = column.delegate
        fonts = delegate.fonts(view.font())
        for row in range(view.model().rowCount()):
            index = view.model().index(row, 0)
            card = card_at(index)
            rect = view.visualRect(index)
            assert rect.width() <= view.viewport().width(), f"{phase}: a card is wider than its column"
            inner_width = rect.adjusted(4, 3, -4, -3).width() - 14 - 10
            overdue = is_overdue(card.entry, phase, app.board.model.overdue_minutes, delegate.now())
            layout = delegate.layout(card.entry, overdue, inner_width, fonts)
            for chips in layout.rows:  # nothing elided: each label at its natural width, each row within the card
                widths = [w for _, w in chips]
                assert sum(widths) + 6 * (len(widths) - 1) <= inner_width
                for chip, width in chips:
                    if chip.text:
                        assert width == fonts.bold_metrics.horizontalAdvance(chip.text) + 10, chip.text
            if overdue:
                assert any(chip == CHIP_OVERDUE for chips in layout.rows for chip, _ in chips)
            needed = delegate._height(layout, fonts)
            assert rect.height() >= needed, f"{phase}: card #{card.entry.queue_number} is cut ({rect.height()})"
            checked += 1
    return checked


def test_the_window_fits_800_px_and_1280x720_with_timers_and_overdue_whole(
    busy_morning, reception: ReceptionApp, qloop
):
    app = reception
    window = app.window
    board = window.board_view

    async def scenario() -> None:
        board.refresh_button.click()
        await until(lambda: len(app.board.model.entries()) == 5, 10)
        await settle(app)
        # No screen asks for more than 800 px: the window can sit beside another on a 1600 px screen.
        assert window.minimumSizeHint().width() <= 800, window.minimumSizeHint()
        for index in range(len(SECTIONS)):
            window.nav.setCurrentRow(index)
            await settle(app)
            assert window.minimumSizeHint().width() <= 800, (SECTIONS[index], window.minimumSizeHint())
        window.nav.setCurrentRow(0)
        assert board.select_visit(app.board.model.entries(Phase.WAITING)[0].id)  # the action bar in use

        for width, height, name in ((800, 700, "reception_board_800"), (1280, 720, "reception_board_1280x720")):
            window.resize(width, height)
            await until(lambda w=width: window.width() == w)
            await settle(app, 0.4)
            assert board.width() < width
            for column in board.columns.values():  # every column keeps a usable width
                assert column.width() >= 170, (width, column.phase, column.width())
            assert assert_cards_fit(app) == 5
            assert board.action_bar.geometry().bottom() <= board.height()  # the action buttons stay on screen
            assert board.send_button.isVisible() and board.send_button.width() >= board.send_button.sizeHint().width()
            screenshot(window, name)
        # the other screens at 800 px: their bars wrap, nothing is cut
        window.resize(800, 700)
        for index in range(1, len(SECTIONS)):
            window.nav.setCurrentRow(index)
            await settle(app, 0.4)
            page = window.stack.currentWidget()
            assert page.width() >= page.minimumSizeHint().width()
            screenshot(window, f"reception_800_{SECTIONS[index].lower().replace(' ', '_').replace('-', '')}")
        window.nav.setCurrentRow(0)
        # the waiting column at 800 px: wide enough for the overdue card's timer and badge
        waiting = board.columns[Phase.WAITING].list
        first = waiting.model().index(0, 0)
        assert card_at(first).entry.patient.full_name.startswith("Maximiliana")
        # the labels that must be readable in full, at 800 px too
        texts = {c.text for e in app.board.model.entries() for c in card_chips(e, e.phase, False)}
        assert {"EMERGENCY", "URGENT", "Payment pending"} <= texts
        assert "→ Room 12" in texts and any(t.startswith("CALLED ") for t in texts)

    arun(qloop, scenario(), timeout=60)
