"""Non-blocking bars on the board: "Sent … [Undo]" for a few seconds after every send, and "… already has a patient
with them. [Send anyway] [Don't send]" when a send goes beyond the doctor's limit. Neither stops the work."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

STYLES = {
    "undo": ("#e8f1fd", "#174ea6", "#bcd3f5"),
    "confirm": ("#fff4e5", "#7a4500", "#f7d9a8"),
}


class NoticeBar(QFrame):
    """A message with a button or two; it hides itself after `timeout_ms` (0: only when answered)."""

    def __init__(self, name: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        background, foreground, border = STYLES[kind]
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {background}; border: 1px solid {border}; border-radius: 6px; }}"
            f"QFrame#{name} QLabel {{ color: {foreground}; font-weight: 500; }}"
        )
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(10, 6, 6, 6)
        self.row.addWidget(self.label, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.dismiss)
        self.visit_id: int | None = None
        self.hide()

    def add_button(self, text: str, name: str, action: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)

        def clicked() -> None:
            self.dismiss()
            action()

        button.clicked.connect(clicked)
        self.row.addWidget(button)
        return button

    def _answer(self, action: Callable[[], None]) -> None:
        self.dismiss()
        action()

    def show_for(self, visit_id: int, text: str, timeout_ms: int = 0) -> None:
        self.visit_id = visit_id
        self.label.setText(text)
        self.show()
        self.timer.stop()
        if timeout_ms > 0:
            self.timer.start(timeout_ms)

    def dismiss(self) -> None:
        self.timer.stop()
        self.hide()
