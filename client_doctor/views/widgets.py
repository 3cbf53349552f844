"""Small widgets the sections share: stat cards, patient cards, the toast, section titles."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from client_doctor import fmt
from client_doctor.views.style import repolish
from common.enums import VisitStatus
from common.qt.elided_label import ElidedLabel
from common.schemas import VisitOut


def label(text: str = "", name: str | None = None, *, wrap: bool = False, elide: bool = False) -> QLabel:
    """A label; `elide`: one line that ends in "…" when narrow, the whole text in its tooltip."""
    widget = ElidedLabel(text) if elide else QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


class StatCard(QFrame):
    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCard")
        self.setMinimumWidth(120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.title = label(title, "statTitle", elide=True)
        self.value = label("—", "statValue", elide=True)
        self.value.setProperty("stat", name)
        self.note = label("", "statNote", wrap=True)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setProperty("statName", name)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class PatientCard(QFrame):
    """One visit on Today's Work: name, phone, service, queue number, check-in time and the start button.

    A waiting patient's "waiting N min" is worked out here from the check-in time; the page calls `tick()`
    so it counts up without asking the server."""

    start_clicked = Signal(object)  # VisitOut
    MIN_WIDTH = 240
    WIDTH = 380  # one width for all, so the cards line up in rows; a long name ends in "…" (whole in its tooltip)

    def __init__(
        self,
        visit: VisitOut,
        *,
        highlighted: bool = False,
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.visit = visit
        self.setObjectName(f"visitCard_{visit.id}")
        self.setProperty("card", True)
        self.setMinimumWidth(self.MIN_WIDTH)
        self.setMaximumWidth(self.WIDTH)
        col = QVBoxLayout(self)
        col.setContentsMargins(14, 12, 14, 12)
        col.setSpacing(4)
        self.queue = label(f"#{visit.queue_number}", "cardQueue")
        self.name = label(visit.patient.full_name, "cardName", elide=True)
        self.badge = label("", "cardBadge", elide=True)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.queue)
        top.addWidget(self.name, 1)
        col.addLayout(top)
        col.addWidget(self.badge)
        self.service = label(visit.service.name, "cardMeta", elide=True)
        self.phone = label(f"☎ {visit.patient.phone or '—'}", "cardMeta", elide=True)
        self.checkin = label("", "cardMeta", wrap=True)
        col.addWidget(self.service)
        col.addWidget(self.phone)
        col.addWidget(self.checkin)
        active = visit.status == VisitStatus.IN_PROGRESS
        self.button = QPushButton("Open consultation" if active else "Start consultation")
        self.button.setObjectName("startButton")
        self.button.setAccessibleName(f"{self.button.text()} with {visit.patient.full_name}")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(lambda: self.start_clicked.emit(self.visit))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        col.addLayout(buttons)
        self.set_highlighted(highlighted)
        self.tick(now)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self.WIDTH, super().sizeHint().height())

    def tick(self, now: datetime | None = None) -> None:
        """The check-in line, as of `now`: a waiting patient's wait grows with the clock."""
        visit = self.visit
        when = fmt.time(visit.check_in_time)
        if fmt.local_day(visit.check_in_time) != fmt.local_day(now or datetime.now(UTC)):  # open since before midnight
            when = fmt.date_time(visit.check_in_time)
        checked_in = f"Checked in {when}"
        if visit.start_time is not None:  # with the doctor: the wait ended when the consultation began
            waited = fmt.minutes_between(visit.check_in_time, visit.start_time)
            meta = f"{checked_in} · waited {fmt.wait(waited)} · with you since {fmt.time(visit.start_time)}"
        else:
            meta = f"{checked_in} · waiting {fmt.wait(fmt.minutes_since(visit.check_in_time, now))}"
        if meta != self.checkin.text():
            self.checkin.setText(meta)

    @property
    def highlighted(self) -> bool:
        return bool(self.property("highlighted"))

    def set_highlighted(self, on: bool) -> None:
        changed = self.property("highlighted") != on  # None before the first call
        self.setProperty("highlighted", on)
        called = self.visit.status == VisitStatus.CALLED
        room = f" · {self.visit.room}" if self.visit.room else ""
        self.badge.setText("● Just sent in" if on else (f"Called{room}" if called else ""))
        self.badge.setVisible(bool(self.badge.text()))
        if changed:  # re-applying the style sheet is costly: only for the cards whose state changed (issue 11)
            repolish(self)


class Toast(QLabel):
    """A transient in-window message, bottom right; it never takes focus or blocks input."""

    DURATION_MS = 5000

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setWordWrap(True)
        self.setMaximumWidth(420)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def show_message(self, text: str, duration_ms: int | None = None) -> None:
        self.setText(text)
        self.adjustSize()
        self.reposition()
        self.show()
        self.raise_()
        self._timer.start(duration_ms or self.DURATION_MS)

    def reposition(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        margin = 24
        self.move(parent.width() - self.width() - margin, parent.height() - self.height() - margin)


class SentInBar(QFrame):
    """ "Asher Okafor was sent in — Open": reception sent a patient while a consultation is open. It never
    replaces the open consultation and never takes the keyboard focus; the doctor opens the patient when ready."""

    open_clicked = Signal(int)  # visit id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sentInBar")
        self.visit_id: int | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 8, 6)
        self.text = ElidedLabel("")  # a long name gives way to the buttons; "was sent in" stays readable
        self.text.setObjectName("sentInText")
        self.text.mode = Qt.TextElideMode.ElideMiddle
        row.addWidget(self.text)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("sentInOpen")
        self.open_button.setProperty("primary", True)
        self.dismiss_button = QPushButton("✕")
        self.dismiss_button.setObjectName("sentInDismiss")
        self.dismiss_button.setToolTip("Dismiss; the patient stays under Today's Work")
        self.dismiss_button.setAccessibleName("Dismiss the announcement")
        self.open_button.setAccessibleName("Open the patient who was sent in")
        for button in (self.open_button, self.dismiss_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click works; typing elsewhere is never interrupted
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.dismiss_button)
        self.open_button.clicked.connect(self._open)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.hide()

    def announce(self, visit_id: int, patient_name: str) -> None:
        self.visit_id = visit_id
        self.text.setText(f"{patient_name} was sent in — ")
        self.show()

    def dismiss(self) -> None:
        self.visit_id = None
        self.hide()

    def _open(self) -> None:
        visit_id = self.visit_id
        self.dismiss()
        if visit_id is not None:
            self.open_clicked.emit(visit_id)
