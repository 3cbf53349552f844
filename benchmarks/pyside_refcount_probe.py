"""Does the installed PySide6 lose references to `None`? (issue 10: 6.12.0 does, on every void-returning call,
and Python 3.11 aborts with `Fatal Python error: none_dealloc` when the count reaches zero.)

Prints, per call, how far `None`'s reference count moves: 0 on a sound build, -1 on an affected one. A cushion of
extra `None` references keeps an affected build alive long enough to measure. Run it against a new release
before lifting the cap in pyproject.toml:

    .venv/bin/python benchmarks/pyside_refcount_probe.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6  # noqa: E402
from PySide6.QtCore import QObject, QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QWidget  # noqa: E402

CALLS = 2000


def drift(call: Callable[[], object]) -> float:
    for _ in range(3):
        call()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    return (sys.getrefcount(None) - before) / CALLS


def main() -> None:
    cushion = [None] * 1_000_000  # noqa: F841 (keeps an affected build from aborting mid-measure)
    app = QApplication.instance() or QApplication([])
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    widget, label, obj = QWidget(), QLabel("x"), QObject()
    calls: dict[str, Callable[[], object]] = {
        "QPainter.save + restore": lambda: (painter.save(), painter.restore()),
        "QPainter.setPen": lambda: painter.setPen(QColor("#111111")),
        "QPainter.setBrush": lambda: painter.setBrush(QColor("#222222")),
        "QPainter.setFont": lambda: painter.setFont(QFont()),
        "QPainter.fillRect": lambda: painter.fillRect(QRect(0, 0, 8, 8), QColor("#ffffff")),
        "QPainter.drawRoundedRect": lambda: painter.drawRoundedRect(QRect(0, 0, 8, 8), 2, 2),
        "QPainter.drawText(rect, flags, s)": lambda: painter.drawText(
            QRect(0, 0, 9, 9), Qt.AlignmentFlag.AlignLeft, "x"
        ),
        "QWidget.update": widget.update,
        "QLabel.setText": lambda: label.setText("y"),
        "QObject.setObjectName": lambda: obj.setObjectName("n"),
    }
    print(f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}: None refcount change per call")
    affected = False
    for name, call in calls.items():
        value = drift(call)
        affected |= value < 0
        print(f"  {name:36s} {value:+.2f}")
    painter.end()
    print("AFFECTED: do not use this release on Python < 3.12" if affected else "sound")
    del app
    os._exit(1 if affected else 0)  # skip interpreter finalisation, which an affected build would abort


if __name__ == "__main__":
    main()
