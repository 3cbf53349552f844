"""Small widgets the reception screens share."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QStandardPaths, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QProgressBar, QTableView, QWidget


def heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet("font-size: 16pt; font-weight: bold;")
    return label


def table(name: str, model: QAbstractItemModel, parent: QWidget) -> QTableView:
    """A read-only, row-selecting table with a stretching last column."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    model.modelReset.connect(view.resizeColumnsToContents)
    return view


def selected_row(view: QTableView) -> int | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return rows[0].row() if rows else None


def documents_folder() -> Path:
    """Where save dialogs open: the user's Documents (made if missing), never the program's folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(folder) if folder else Path.home()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return path


def busy_bar(name: str, parent: QWidget) -> QProgressBar:
    """A thin indeterminate bar shown while a screen waits for the server."""
    bar = QProgressBar(parent)
    bar.setObjectName(name)
    bar.setRange(0, 0)
    bar.setMaximumHeight(4)
    bar.setTextVisible(False)
    bar.hide()
    return bar
