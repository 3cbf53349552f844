"""Where a sign-in window opens. `CLINIC_WINDOW_SIDE=left|right` (scripts/demo opens both apps on one screen)
places it just left or right of the screen's centre, so the two sign-in windows stand side by side instead of
exactly on top of each other; unset, the window manager decides as usual."""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SIDE_ENV = "CLINIC_WINDOW_SIDE"
GAP = 24


def side_position(available: QRect, size: QSize, side: str, gap: int = GAP) -> QPoint:
    """Top-left corner for a window of `size` beside the centre of `available`, kept on the screen."""
    centre = available.left() + available.width() // 2
    x = centre - gap // 2 - size.width() if side == "left" else centre + gap // 2
    x = max(available.left(), min(x, available.left() + available.width() - size.width()))
    y = available.top() + max(0, (available.height() - size.height()) // 2)
    return QPoint(x, y)


def place_by_side(window: QWidget) -> None:
    side = os.environ.get(SIDE_ENV, "").strip().lower()
    if side not in ("left", "right"):
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    window.adjustSize()
    window.move(side_position(screen.availableGeometry(), window.size(), side))
