"""The board with a full day on it (issue 11, no UI-thread stall at 100 events/s): a card coming or going makes a
column ask every card's size again; a card that did not change is not measured again, and the list lays itself
out in batches, so the UI thread is never held for a whole column of hundreds of cards at once."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6

from client_reception.viewmodels.board import BoardViewModel
from client_reception.views import board_card
from client_reception.views.board import BoardView
from common.enums import Phase, VisitStatus
from tests.reception.test_slots_and_models import _board, _entry


@pytest.fixture
def busy_day(qtbot, monkeypatch) -> Any:
    counts = {"size": 0, "measured": 0, "sizing": 0}
    original_size, original_layout = board_card.CardDelegate.sizeHint, board_card.CardDelegate.layout

    def size(self: Any, option: Any, index: Any) -> Any:
        counts["size"] += 1
        counts["sizing"] += 1
        try:
            return original_size(self, option, index)
        finally:
            counts["sizing"] -= 1

    def layout(self: Any, *args: Any) -> Any:  # a card's label rows worked out: for its size (or for a paint)
        counts["measured"] += 1 if counts["sizing"] else 0
        return original_layout(self, *args)

    monkeypatch.setattr(board_card.CardDelegate, "sizeHint", size)
    monkeypatch.setattr(board_card.CardDelegate, "layout", layout)
    vm = BoardViewModel(api=None)  # type: ignore[arg-type]  # no request: the boards are set directly
    view = BoardView(vm)
    view.resize(1360, 820)
    view.show()
    done = [(Phase.COMPLETED, _entry(i, VisitStatus.COMPLETED, 5)) for i in range(1, 301)]
    waiting = [(Phase.WAITING, _entry(i, VisitStatus.WAITING, 3)) for i in range(400, 410)]
    vm.model.set_board(_board(*done, *waiting))
    qtbot.waitUntil(lambda: counts["size"] >= 310)  # every card measured once, in however many batches
    # the first layout measured them without the scroll bar it then needed: the next change measures them at the
    # width beside it (as in the app, once)
    done.append((Phase.COMPLETED, _entry(301, VisitStatus.COMPLETED, 5)))
    vm.model.set_board(_board(*done, *waiting))
    qtbot.wait(300)
    yield vm, view, done, waiting, counts
    view.shutdown()  # the view goes before its models, as in ReceptionApp.aclose
    view.close()
    shiboken6.delete(view)
    vm.close()


def test_a_new_completed_card_measures_that_card_only(busy_day, qtbot):
    vm, view, done, waiting, counts = busy_day
    counts.update(size=0, measured=0)
    vm.model.set_board(_board(*done, (Phase.COMPLETED, _entry(302, VisitStatus.COMPLETED, 5)), *waiting))
    qtbot.waitUntil(lambda: counts["size"] >= 302)  # the column asked all its cards again …
    qtbot.wait(50)
    assert counts["measured"] == 1  # … and measured the new one only


def test_a_layout_pass_measures_one_batch_of_cards(busy_day):
    vm, view, done, waiting, counts = busy_day
    column = view.columns[Phase.COMPLETED].list
    counts.update(size=0)
    column.doItemsLayout()  # one pass, as the view runs it after a change: the rest follows in later passes
    assert 0 < counts["size"] <= column.batchSize() + 1  # a batch, and the card it stopped before
    assert counts["size"] < 100


def test_a_card_is_measured_again_when_its_timer_gains_an_hour_digit(qtbot, monkeypatch):
    """A card's size is remembered (above), but at 10 h of waiting the timer needs a wider place and may move to
    a row of its own: the remembered size must not be reused then (the card would be cut)."""
    from datetime import timedelta

    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QStyleOptionViewItem

    from client_reception.viewmodels.board import BoardModel, PhaseFilter

    model = BoardModel()
    column = PhaseFilter(Phase.WAITING, model)
    model.set_board(_board((Phase.WAITING, _entry(7, VisitStatus.WAITING, 10 * 60 - 1))))  # 9 h 59 min
    index = column.index(0, 0)
    start = model.card(7).entry.check_in_time + timedelta(hours=10) - timedelta(seconds=30)
    kept, fresh = board_card.CardDelegate(Phase.WAITING, lambda: 20), board_card.CardDelegate(Phase.WAITING, lambda: 20)
    clock = [start]

    class Clock(board_card.datetime):  # type: ignore[misc,valid-type]  # the module's clock too, for every reading
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return clock[0]

    monkeypatch.setattr(board_card, "datetime", Clock)
    kept.now = fresh.now = lambda: clock[0]
    option = QStyleOptionViewItem()
    mismatched = []
    for width in range(150, 420, 2):
        option.rect = QRect(0, 0, width, 100)
        clock[0] = start  # 9:59:30, one digit of hours
        kept.sizeHint(option, index)
        clock[0] = start + timedelta(seconds=60)  # 10:00:30, two
        if kept.sizeHint(option, index) != fresh.sizeHint(option, index):
            mismatched.append(width)
    assert mismatched == []
