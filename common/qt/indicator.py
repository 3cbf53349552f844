"""`ConnectionIndicator`: a coloured dot and a word for the live connection (for a status bar)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

_LOOK = {
    "connected": ("#1e8e3e", "Connected", "Live updates are on."),
    "reconnecting": ("#f29900", "Reconnecting…", "The live connection dropped; trying again."),
    "offline": ("#d93025", "Offline", "The server cannot be reached; the screen may be out of date."),
}


class ConnectionIndicator(QWidget):
    def __init__(self, parent: QWidget | None = None, state: str = "offline") -> None:
        super().__init__(parent)
        self.setObjectName("connectionIndicator")
        self.dot = QLabel("●", self)
        self.dot.setObjectName("connectionDot")
        self.label = QLabel(self)
        self.label.setObjectName("connectionText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        self.state = ""
        self.set_state(state)

    @property
    def text(self) -> str:
        return self.label.text()

    def set_state(self, state: str) -> None:
        colour, text, tip = _LOOK.get(state, _LOOK["offline"])
        self.state = state if state in _LOOK else "offline"
        self.dot.setStyleSheet(f"color: {colour}; font-size: 14px;")
        self.label.setText(text)
        self.setToolTip(tip)
