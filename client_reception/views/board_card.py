"""One card of the queue board: the painted delegate and the wait-timer arithmetic it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from client_reception.viewmodels.board import card_at
from common.enums import Phase
from common.qt.formatting import format_time
from common.schemas import QueueEntry

ModelIndex = QModelIndex | QPersistentModelIndex
ACCENT = {Phase.WAITING: "#2f6fb0", Phase.WITH_DOCTOR: "#2e8b57", Phase.COMPLETED: "#7a7a7a"}
OVERDUE_BG = QColor("#fdecea")
OVERDUE_EDGE = QColor("#c62828")


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def live_wait_seconds(entry: QueueEntry, phase: Phase, now: datetime) -> float:
    """Waiting: since check-in, ticking. With the doctor: time in the consulting room. Completed: its length."""
    if phase == Phase.WAITING:
        return (now - entry.check_in_time).total_seconds()
    if phase == Phase.WITH_DOCTOR:
        return (now - (entry.start_time or entry.check_in_time)).total_seconds()
    end = entry.end_time or now
    return (end - (entry.start_time or entry.check_in_time)).total_seconds()


def is_overdue(entry: QueueEntry, phase: Phase, threshold_minutes: int, now: datetime) -> bool:
    """A waiting card is overdue past the clinic threshold, counted locally so it turns red on time."""
    if phase != Phase.WAITING:
        return False
    return entry.is_overdue or live_wait_seconds(entry, phase, now) > threshold_minutes * 60


class _Fonts:
    """The three fonts of a card, derived once per base font (not rebuilt for every card on every tick)."""

    def __init__(self, base: QFont) -> None:
        self.key = base.key()
        self.base = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.big = QFont(self.bold)
        self.big.setPointSizeF(base.pointSizeF() * 1.25)
        self.line = QFontMetrics(self.base).height()
        self.base_metrics = QFontMetrics(self.base)
        self.bold_metrics = QFontMetrics(self.bold)
        self.big_metrics = QFontMetrics(self.big)


WHITE = QColor("#ffffff")
TEXT = QColor("#111111")
SECONDARY = QColor("#444444")
TIMER = QColor("#333333")
EDGE = QColor("#d0d4da")
EDGE_SELECTED = QColor("#1e88e5")


class CardDelegate(QStyledItemDelegate):
    """Paints one visit as a card; the time line is computed at paint time, so repainting makes it tick.

    The board repaints every card every second, so this is the app's hottest path. It sets every piece of
    painter state it uses (pen, brush, font, hint) before drawing and never calls QPainter.save()/restore():
    the view hands each card a fresh state to overwrite, and a save/restore pair per card was what aborted the
    desk on PySide6 6.12.0 (issue 10). Fonts, metrics and colours are built once, not per card."""

    def __init__(self, phase: Phase, model_overdue: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self._threshold = model_overdue
        self.now = lambda: datetime.now(UTC)
        self._fonts: _Fonts | None = None
        self._accent = QColor(ACCENT[phase])
        self._label = {Phase.WAITING: "waiting", Phase.WITH_DOCTOR: "with doctor", Phase.COMPLETED: "took"}[phase]
        self._pens = {
            False: QPen(EDGE, 1),
            True: QPen(EDGE_SELECTED, 2),
        }

    def fonts(self, base: QFont) -> _Fonts:
        if self._fonts is None or self._fonts.key != base.key():
            self._fonts = _Fonts(base)
        return self._fonts

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        line = self.fonts(option.font).line
        return QSize(max(option.rect.width(), 220), 3 * line + 34)  # three lines + paddings, nothing wasted

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        found = card_at(index)
        if found is None:
            return
        entry = found.entry
        now = self.now()
        overdue = is_overdue(entry, self.phase, self._threshold(), now)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        f = self.fonts(option.font)
        line = f.line
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = option.rect.adjusted(4, 3, -4, -3)
        painter.setPen(self._pens[selected])
        painter.setBrush(OVERDUE_BG if overdue else WHITE)
        painter.drawRoundedRect(card, 6, 6)
        edge = OVERDUE_EDGE if overdue else self._accent
        painter.fillRect(QRect(card.left(), card.top() + 1, 5, card.height() - 1), edge)

        inner = card.adjusted(14, 6, -10, -6)
        # line 1: queue number, name, timer on the right
        painter.setFont(f.big)
        painter.setPen(OVERDUE_EDGE if overdue else self._accent)
        number = f"#{entry.queue_number}"
        number_w = f.big_metrics.horizontalAdvance(number) + 8
        painter.drawText(QRect(inner.left(), inner.top(), number_w, line + 4), Qt.AlignmentFlag.AlignVCenter, number)
        timer_text = f"{self._label} {elapsed_text(live_wait_seconds(entry, self.phase, now))}"
        painter.setFont(f.bold)
        timer_w = f.bold_metrics.horizontalAdvance(timer_text) + 4
        painter.setPen(OVERDUE_EDGE if overdue else TIMER)
        painter.drawText(
            QRect(inner.right() - timer_w, inner.top(), timer_w, line + 4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            timer_text,
        )
        painter.setPen(TEXT)
        name_rect = QRect(inner.left() + number_w, inner.top(), inner.width() - number_w - timer_w - 6, line + 4)
        name = f.bold_metrics.elidedText(entry.patient.full_name, Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, name)

        # line 2: phone · doctor (OVERDUE badge on the right); line 3: service · check-in time (clinic clock)
        second = f"{entry.patient.phone or 'no phone'}  ·  {entry.doctor.full_name}"
        third = f"{entry.service.name}  ·  arrived {format_time(entry.check_in_time)}"
        for i, text in enumerate((second, third), start=1):
            rect = QRect(inner.left(), inner.top() + 4 + i * (line + 3), inner.width(), line + 2)
            if overdue and i == 1:  # a badge on the right, so eliding the text never hides it
                painter.setFont(f.bold)
                painter.setPen(OVERDUE_EDGE)
                badge_w = f.bold_metrics.horizontalAdvance("OVERDUE") + 4
                badge = QRect(rect.right() - badge_w, rect.top(), badge_w, rect.height())
                painter.drawText(badge, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "OVERDUE")
                rect.setWidth(rect.width() - badge_w - 8)
            painter.setFont(f.base)
            painter.setPen(SECONDARY)
            elided = f.base_metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, elided)
