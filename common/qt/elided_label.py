"""`ElidedLabel`: one line of text that gives way when narrow — it ends in "…" and shows the whole text as its
tooltip — so a long name or title never forces its window wider (and never wraps a header into a tall block)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QWidget

MIN_CHARS = 8  # the least it shrinks to: a few characters and the ellipsis


class ElidedLabel(QLabel):
    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight
    ) -> None:
        super().__init__(text, parent)
        self.mode = mode  # ElideMiddle keeps the end of a sentence ("… was sent in") readable
        self._own_tooltip = ""
        self.setWordWrap(False)
        self.setMinimumWidth(0)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self._update_tooltip()

    def setToolTip(self, text: str) -> None:  # noqa: N802
        """A tooltip of its own wins; otherwise the tooltip is the whole text while it is cut."""
        self._own_tooltip = text
        super().setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        least = self.fontMetrics().horizontalAdvance("M" * MIN_CHARS) + margins.left() + margins.right()
        return QSize(min(hint.width(), least), hint.height())

    @property
    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def shown_text(self) -> str:
        """What is painted: the text, cut with "…" to the width there is."""
        return self.fontMetrics().elidedText(self.text(), self.mode, self.contentsRect().width())

    def _update_tooltip(self) -> None:
        if not self._own_tooltip:
            QLabel.setToolTip(self, self.text() if self.elided else "")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        QFrame.paintEvent(self, event)  # background and border from the stylesheet
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )
        painter.end()  # now, not whenever the wrapper is collected (a frame held elsewhere kept it alive: a crash)
