"""One card of the queue board: the painted delegate and the wait-timer arithmetic it shows.

A card reads, top to bottom: the queue number and name (the timer on the right when there is room); a row of
labels that wraps when the column is narrow — the timer when it did not fit above, EMERGENCY / URGENT, OVERDUE,
"Since <day>" (open since before the clinic's midnight), CALLED (room and time), Paid / Unpaid; then phone ·
doctor and service · arrival, elided (the tooltip has it all). Nothing is shown by colour alone: every colour
comes with its word. The card's height follows its width, so a narrow column wraps instead of hiding the timer
or OVERDUE behind a scroll bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from client_reception.viewmodels.board import card_at
from common.enums import PaymentStatus, Phase, Priority, VisitStatus
from common.qt.formatting import format_date, format_datetime, format_time, local_today
from common.schemas import QueueEntry

ModelIndex = QModelIndex | QPersistentModelIndex
ACCENT = {Phase.WAITING: "#2f6fb0", Phase.WITH_DOCTOR: "#2e8b57", Phase.COMPLETED: "#7a7a7a"}
OVERDUE_BG = QColor("#fdecea")
OVERDUE_EDGE = QColor("#c62828")
CALLED_BG = QColor("#f3eefc")
CALLED_EDGE = QColor("#5e35b1")
CALLED_BG_CHIP = QColor("#e4dbf7")
PRIORITY_EDGE = {Priority.EMERGENCY: QColor("#c62828"), Priority.URGENT: QColor("#f59e0b")}
MIN_NAME_WIDTH = 90  # below this the timer moves from the name line to the label row


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


def payment_text(status: PaymentStatus | None) -> str:
    return {
        PaymentStatus.PAID: "Paid",
        PaymentStatus.PENDING: "Payment pending",
        PaymentStatus.REFUNDED: "Refunded",
    }.get(status, "Unpaid")  # type: ignore[arg-type]  # no payment yet (None) is "Unpaid"


def called_text(entry: QueueEntry) -> str:
    return f"CALLED {format_time(entry.called_at)}" if entry.called_at else "CALLED"


@dataclass(frozen=True)
class Chip:
    """A word on a card: its text, colours, and whether it sits on a filled pill."""

    text: str
    fg: QColor
    bg: QColor | None = None


WHITE = QColor("#ffffff")
TEXT = QColor("#111111")
SECONDARY = QColor("#444444")
TIMER = QColor("#333333")
EDGE = QColor("#d0d4da")
EDGE_SELECTED = QColor("#1e88e5")
CHIP_EMERGENCY = Chip("EMERGENCY", WHITE, QColor("#c62828"))
CHIP_URGENT = Chip("URGENT", QColor("#3d2a00"), QColor("#fbbf24"))
CHIP_OVERDUE = Chip("OVERDUE", OVERDUE_EDGE)
CARRIED_OVER, CARRIED_OVER_BG = QColor("#4a3b00"), QColor("#fff1b8")
PAYMENT_CHIPS = {
    PaymentStatus.PAID: (QColor("#1b5e20"), QColor("#e3f2e5")),
    PaymentStatus.PENDING: (QColor("#7a4f00"), QColor("#fff3d6")),
    PaymentStatus.REFUNDED: (QColor("#555555"), QColor("#eeeeee")),
    None: (QColor("#b71c1c"), QColor("#fdecea")),
}


def card_chips(entry: QueueEntry, phase: Phase, overdue: bool) -> list[Chip]:
    """The labels of a card (not the timer), in reading order."""
    chips: list[Chip] = []
    if entry.priority == Priority.EMERGENCY:
        chips.append(CHIP_EMERGENCY)
    elif entry.priority == Priority.URGENT:
        chips.append(CHIP_URGENT)
    if overdue:
        chips.append(CHIP_OVERDUE)
    if entry.queue_date < local_today():  # still open from an earlier day (the clinic went past midnight)
        chips.append(Chip(f"Since {format_date(entry.queue_date)}", CARRIED_OVER, CARRIED_OVER_BG))
    if phase == Phase.WAITING and entry.status == VisitStatus.CALLED:
        chips.append(Chip(called_text(entry), WHITE, CALLED_EDGE))
        if entry.room:  # a label of its own, so a narrow card wraps it rather than cutting it
            chips.append(Chip(f"→ {entry.room}", CALLED_EDGE, CALLED_BG_CHIP))
    if phase == Phase.COMPLETED:
        fg, bg = PAYMENT_CHIPS.get(entry.payment_status, PAYMENT_CHIPS[None])
        chips.append(Chip(payment_text(entry.payment_status), fg, bg))
    return chips


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


@dataclass(frozen=True)
class CardLayout:
    """Where a card's parts go for one width: the timer on the name line or in the label row, label rows."""

    timer_inline: bool
    rows: tuple[tuple[tuple[Chip, int], ...], ...]  # each row: (chip, width)

    @property
    def chip_rows(self) -> int:
        return len(self.rows)


PAD_X, PAD_TOP, CHIP_GAP, CHIP_PAD = 14, 6, 6, 10


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
        self._laid_out: dict[int, int] = {}  # visit id → label rows its size was computed with
        # visit id → (the card, overdue, width, font) its size was computed for, and the size: a column re-asks the
        # size of every card whenever one card comes or goes (a day's Completed column holds hundreds), and a card
        # the refetch left unchanged is the very same object, so its size is known
        self._sizes: dict[int, tuple[object, bool, int, str, int, QSize]] = {}

    def fonts(self, base: QFont) -> _Fonts:
        if self._fonts is None or self._fonts.key != base.key():
            self._fonts = _Fonts(base)
        return self._fonts

    # --- geometry ---------------------------------------------------------------------------------------------

    def _hour_digits(self, entry: QueueEntry) -> int:
        """How many digits the timer's hours have now (a visit waiting since before midnight has two, or more)."""
        return len(str(int(live_wait_seconds(entry, self.phase, self.now()) // 3600)))

    def _timer_reserve(self, f: _Fonts, entry: QueueEntry) -> int:
        """The timer's widest text at its count of hour digits, so the layout does not change as the seconds
        tick."""
        return f.bold_metrics.horizontalAdvance(f"{self._label} {'0' * self._hour_digits(entry)}:00:00") + 4

    def layout(self, entry: QueueEntry, overdue: bool, inner_width: int, f: _Fonts) -> CardLayout:
        number_w = f.big_metrics.horizontalAdvance(f"#{entry.queue_number}") + 8
        timer_w = self._timer_reserve(f, entry)
        inline = inner_width - number_w - timer_w - 6 >= MIN_NAME_WIDTH
        chips = card_chips(entry, self.phase, overdue)
        sized: list[tuple[Chip, int]] = []
        if not inline:
            sized.append((Chip("", TIMER), timer_w))  # the timer, as the first label
        sized += [(chip, f.bold_metrics.horizontalAdvance(chip.text) + CHIP_PAD) for chip in chips]
        rows: list[tuple[tuple[Chip, int], ...]] = []
        row: list[tuple[Chip, int]] = []
        used = 0
        for chip, width in sized:
            width = min(width, inner_width)
            if row and used + CHIP_GAP + width > inner_width:
                rows.append(tuple(row))
                row, used = [], 0
            used += (CHIP_GAP if row else 0) + width
            row.append((chip, width))
        if row:
            rows.append(tuple(row))
        return CardLayout(inline, tuple(rows))

    def _inner_width(self, full_width: int) -> int:
        return max(60, full_width - 8 - PAD_X - 10)

    def _view_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        if isinstance(view, QListView):
            return view.viewport().width() - 2 * view.spacing()
        return option.rect.width()

    def _height(self, layout: CardLayout, f: _Fonts) -> int:
        line = f.line
        return 3 * line + 34 + layout.chip_rows * (line + 6)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        f = self.fonts(option.font)
        card = card_at(index)
        if card is None:
            return QSize(120, 3 * f.line + 34)
        width = self._inner_width(self._view_width(option))
        overdue = is_overdue(card.entry, self.phase, self._threshold(), self.now())
        known = self._sizes.get(card.id)
        # the hour digits are in the key: at 10 h the wider timer can move to its own row, and the card grows
        digits = self._hour_digits(card.entry)
        if known is not None and known[0] is card and known[1:5] == (overdue, width, f.key, digits):
            return known[5]
        layout = self.layout(card.entry, overdue, width, f)
        self._laid_out[card.id] = layout.chip_rows
        # A small width: the list gives every card the viewport's width anyway, and never needs to scroll sideways.
        size = QSize(120, self._height(layout, f))
        self._sizes[card.id] = (card, overdue, width, f.key, digits, size)
        return size

    # --- painting ---------------------------------------------------------------------------------------------

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
        rect = option.rect.adjusted(4, 3, -4, -3)
        inner = rect.adjusted(PAD_X, PAD_TOP, -10, -6)
        layout = self.layout(entry, overdue, inner.width(), f)
        if self._laid_out.get(found.id, layout.chip_rows) != layout.chip_rows:
            self._laid_out[found.id] = layout.chip_rows
            self.sizeHintChanged.emit(index)  # it turned overdue, was called…: the card needs another row

        called = self.phase == Phase.WAITING and entry.status == VisitStatus.CALLED
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pens[selected])
        painter.setBrush(OVERDUE_BG if overdue else CALLED_BG if called else WHITE)
        painter.drawRoundedRect(rect, 6, 6)
        band = PRIORITY_EDGE.get(entry.priority)
        edge = band or (OVERDUE_EDGE if overdue else CALLED_EDGE if called else self._accent)
        painter.fillRect(QRect(rect.left(), rect.top() + 1, 8 if band else 5, rect.height() - 1), edge)

        # line 1: queue number, name, the timer on the right when there is room
        painter.setFont(f.big)
        painter.setPen(OVERDUE_EDGE if overdue else self._accent)
        number = f"#{entry.queue_number}"
        number_w = f.big_metrics.horizontalAdvance(number) + 8
        painter.drawText(QRect(inner.left(), inner.top(), number_w, line + 4), Qt.AlignmentFlag.AlignVCenter, number)
        timer_text = f"{self._label} {elapsed_text(live_wait_seconds(entry, self.phase, now))}"
        timer_pen = OVERDUE_EDGE if overdue else TIMER
        timer_w = 0
        if layout.timer_inline:
            painter.setFont(f.bold)
            timer_w = self._timer_reserve(f, entry)
            painter.setPen(timer_pen)
            painter.drawText(
                QRect(inner.right() - timer_w, inner.top(), timer_w, line + 4),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                timer_text,
            )
        painter.setFont(f.bold)
        painter.setPen(TEXT)
        name_rect = QRect(inner.left() + number_w, inner.top(), inner.width() - number_w - timer_w - 6, line + 4)
        name = f.bold_metrics.elidedText(entry.patient.full_name, Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, name)

        # the label rows
        y = inner.top() + line + 8
        for row in layout.rows:
            x = inner.left()
            for chip, width in row:
                box = QRect(x, y, width, line + 2)
                if chip.text == "":  # the timer
                    painter.setFont(f.bold)
                    painter.setPen(timer_pen)
                    painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, timer_text)
                else:
                    if chip.bg is not None:
                        painter.setPen(Qt.PenStyle.NoPen)
                        painter.setBrush(chip.bg)
                        painter.drawRoundedRect(box, 4, 4)
                    painter.setFont(f.bold)
                    painter.setPen(chip.fg)
                    text = f.bold_metrics.elidedText(chip.text, Qt.TextElideMode.ElideRight, width - 4)
                    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
                x += width + CHIP_GAP
            y += line + 6

        # phone · doctor; service · check-in time (clinic clock)
        second = f"{entry.patient.phone or 'no phone'}  ·  {entry.doctor.full_name}"
        arrived = format_time(entry.check_in_time)
        if entry.queue_date < local_today():  # open since before midnight: say which day
            arrived = format_datetime(entry.check_in_time)
        third = f"{entry.service.name}  ·  arrived {arrived}"
        painter.setFont(f.base)
        painter.setPen(SECONDARY)
        for i, text in enumerate((second, third)):
            box = QRect(inner.left(), y + i * (line + 3), inner.width(), line + 2)
            elided = f.base_metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width())
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, elided)
