"""The installed PySide6 must not lose references to None (issue 10: 6.12.0 does, on every void call, and
Python 3.11 aborts with `none_dealloc` once the count reaches zero). Fails on an affected release."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from common.qt.refcount_guard import none_refcount_drift

CALLS = 5000


def test_painter_state_calls_keep_nones_refcount(qapp):
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            painter.save()
            painter.setPen(QColor("#123456"))
            painter.fillRect(QRect(0, 0, 8, 8), QColor("#ffffff"))
            painter.drawText(QRect(0, 0, 32, 16), Qt.AlignmentFlag.AlignLeft, "x")
            painter.restore()
        drift = sys.getrefcount(None) - before
    finally:
        painter.end()
    assert drift >= -10, f"None lost {-drift} references over {CALLS} paint sequences: an affected PySide6"


def test_the_start_up_probe_finds_no_drift(qapp):
    assert none_refcount_drift() == 0
