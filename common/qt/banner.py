"""`ErrorBanner`: a dismissable bar at the top of a window for messages a person can act on. Never a traceback:
anything that is not an ApiError is reduced to one short line (the details go to the log)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from common.client.errors import ApiError

log = logging.getLogger(__name__)

_STYLES = {
    "error": ("#fdecea", "#b3261e", "#f5c2bd"),
    "warning": ("#fff4e5", "#8a5300", "#f7d9a8"),
    "info": ("#e8f1fd", "#174ea6", "#bcd3f5"),
    "success": ("#e6f4ea", "#1e6b34", "#b7dfc2"),
}


def human_message(exc: BaseException) -> str:
    """What to show for an exception: the server's message for an ApiError, one neutral line otherwise."""
    if isinstance(exc, ApiError):
        return exc.message
    log.error("unexpected error shown to the user", exc_info=exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Something went wrong: {text[:200]}"


OFFLINE_MESSAGE = "The server cannot be reached. Changes will show again once it is back."
UNREACHABLE = "Cannot reach"  # how ApiClient's unreachable errors begin ("Cannot reach the server at …")


class ErrorBanner(QFrame):
    """Hidden until a message arrives. `show_error()` stays until dismissed; info/success hide by themselves."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, *, auto_hide_ms: int = 6000) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.kind = "error"
        self.auto_hide_ms = auto_hide_ms
        self.label = QLabel(self)
        self.label.setObjectName("errorBannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("errorBannerClose")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # a bar, never a panel
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._apply_style("error")
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    def _apply_style(self, kind: str) -> None:
        background, foreground, border = _STYLES.get(kind, _STYLES["error"])
        self.setStyleSheet(
            f"QFrame#errorBanner {{ background: {background}; border: 1px solid {border}; border-radius: 6px; }}"
            f"QLabel#errorBannerText {{ color: {foreground}; font-weight: 500; }}"
            f"QToolButton#errorBannerClose {{ color: {foreground}; border: none; padding: 2px 6px; }}"
        )

    def show_message(self, message: str, kind: str = "error") -> None:
        self.kind = kind
        self._apply_style(kind)
        self.label.setText(message)
        self.show()
        self._timer.stop()
        if kind in ("info", "success") and self.auto_hide_ms > 0:
            self._timer.start(self.auto_hide_ms)

    def show_error(self, message: str) -> None:
        self.show_message(message, "error")

    def show_warning(self, message: str) -> None:
        self.show_message(message, "warning")

    def show_success(self, message: str) -> None:
        self.show_message(message, "success")

    def show_exception(self, exc: BaseException) -> None:
        self.show_error(human_message(exc))

    def follow_connection(self, state: str) -> None:
        """The live connection's state, the same way in both apps: offline → a warning that stays; connected
        again → any message the outage caused (that warning, a "Cannot reach the server" error) goes, since it
        is no longer true. Other errors stay."""
        if state == "offline":
            self.show_warning(OFFLINE_MESSAGE)
        elif (
            state == "connected" and self.isVisible() and (self.kind == "warning" or self.text.startswith(UNREACHABLE))
        ):
            self.dismiss()

    def dismiss(self) -> None:
        self._timer.stop()
        was_visible = self.isVisible()
        self.hide()
        self.label.clear()
        if was_visible:
            self.dismissed.emit()
