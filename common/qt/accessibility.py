"""Accessible names for every control a screen reader or a keyboard user meets.

Screens set a specific `accessibleName` where the visible text is not enough ("Start consultation with Alice
Harper"); `name_controls(root)` gives every other control under `root` one from what it shows (its text, its
placeholder, its tooltip, else its object name), so nothing is announced as a bare "button" or "edit"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit)


def _shown_text(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton) and widget.text().strip(" …✕←"):
        return widget.text().replace("&", "").replace("…", "").strip(" ←")
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return widget.placeholderText().rstrip("…")
    if widget.toolTip():
        return widget.toolTip()
    return widget.objectName()


def _is_control(widget: QWidget) -> bool:
    """A control the user reaches: not a header, not the inner parts of a combo box, a date edit, a line
    edit (its clear button) or a standard dialog, and not a view that never takes the focus."""
    if not isinstance(widget, CONTROLS) or isinstance(widget, QHeaderView):
        return False
    if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(widget, QAbstractButton):
        return False
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QLineEdit | QFileDialog | QPrintDialog):
            return False
        parent = parent.parentWidget()
    return True


def name_controls(root: QWidget) -> int:
    """Give an accessible name to each control under `root` that has none; returns how many were named."""
    named = 0
    for widget in root.findChildren(QWidget):
        if _is_control(widget) and not widget.accessibleName():
            text = _shown_text(widget)
            if text:
                widget.setAccessibleName(text)
                named += 1
    return named


def unnamed_controls(root: QWidget) -> list[QWidget]:
    """Controls under `root` (visible or not) without an accessible name: tests assert this is empty."""
    return [w for w in root.findChildren(QWidget) if _is_control(w) and not w.accessibleName()]
