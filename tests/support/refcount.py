"""Painting widgets many times and watching `None`'s reference count (issue 10: an affected PySide6 lowers it
on every void call until Python 3.11 aborts with `none_dealloc`)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QWidget

# A sound build moves None's count by a handful at most (objects that held None being freed); an affected one
# by one per call, i.e. thousands here.
TOLERANCE = 50


def paint_drift(widgets: Iterable[QWidget], times: int) -> int:
    """Render every widget (and so its children, delegates and painted views) `times` times into an image;
    return how much None's reference count moved (negative = references lost)."""
    targets = list(widgets)
    images = [QImage(w.size(), QImage.Format.Format_ARGB32_Premultiplied) for w in targets]
    for widget, image in zip(targets, images, strict=True):  # warm-up: caches, fonts, lazy layouts
        widget.render(image)
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(times):
        for widget, image in zip(targets, images, strict=True):
            widget.render(image)
    gc.collect()
    return sys.getrefcount(None) - before


def delegate_drift(view: QAbstractItemView, times: int) -> int:
    """Call the view's item delegate directly for every row, `times` times (the board's once-a-second repaint,
    without the cost of the rest of the window); return how much None's reference count moved."""
    model = view.model()
    delegate = view.itemDelegate()
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    items = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = view.visualRect(index)
        if view.selectionModel().isSelected(index):
            option.state |= QStyle.StateFlag.State_Selected
        items.append((option, index))
    painter = QPainter(image)
    try:
        for option, index in items:
            delegate.paint(painter, option, index)
        gc.collect()
        before = sys.getrefcount(None)
        for _ in range(times):
            for option, index in items:
                delegate.paint(painter, option, index)
        gc.collect()
        return sys.getrefcount(None) - before
    finally:
        painter.end()
