"""Draws the two apps' icons (256 px PNG): installer/icons/clinic-reception.png and clinic-doctor.png.

Run once after changing the design: `python installer/icons/make_icons.py` (PyInstaller turns the PNG into
.ico / .icns on Windows and macOS, with Pillow)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath  # noqa: E402

SIZE = 256
HERE = Path(__file__).resolve().parent
DESIGNS = {"clinic-reception": ("#1a73e8", "R"), "clinic-doctor": ("#0b8043", "D")}


def draw(colour: str, letter: str) -> QImage:
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(8, 8, SIZE - 16, SIZE - 16), 48, 48)
    p.fillPath(tile, QColor(colour))
    cross = QPainterPath()  # the medical cross
    cross.setFillRule(Qt.FillRule.WindingFill)
    arm, long = 44, 150
    cross.addRoundedRect(QRectF((SIZE - arm) / 2, (SIZE - long) / 2 - 14, arm, long), 10, 10)
    cross.addRoundedRect(QRectF((SIZE - long) / 2, (SIZE - arm) / 2 - 14, long, arm), 10, 10)
    p.fillPath(cross.simplified(), QColor("white"))
    p.setPen(QColor("white"))
    font = QFont("DejaVu Sans", 34)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(0, SIZE - 72, SIZE, 56), Qt.AlignmentFlag.AlignCenter, letter)
    p.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for name, (colour, letter) in DESIGNS.items():
        path = HERE / f"{name}.png"
        assert draw(colour, letter).save(str(path)), path
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
