"""A visit's timeline, opened from its card (non-modal, bound to that visit)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from client_reception.viewmodels.board import BoardCard
from client_reception.viewmodels.timeline import TimelineViewModel
from client_reception.views.common import busy_bar, table
from common.qt.fit_columns import FitColumns


class TimelineDialog(QDialog):
    def __init__(self, vm: TimelineViewModel, card: BoardCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("timeline_dialog")
        e = card.entry
        self.setWindowTitle(f"Visit #{e.queue_number} — timeline")
        self.resize(820, 400)
        root = QVBoxLayout(self)
        title = QLabel(f"#{e.queue_number}  {e.patient.full_name}  ·  {e.doctor.full_name}  ·  {e.service.name}", self)
        title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        title.setWordWrap(True)
        root.addWidget(title)
        self.busy = busy_bar("timeline_busy", self)
        root.addWidget(self.busy)
        self.table = table("timeline_table", vm.model, self)
        root.addWidget(self.table, 1)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        root.addWidget(close)
        vm.busy_changed.connect(self.busy.setVisible)
        FitColumns(self.table, text_columns=(1, 3))  # a reschedule's detail names both slots: it wraps
        self.finished.connect(self._finished)

    def _finished(self, _: int) -> None:
        self.vm.close()  # its requests end with the dialog
        self.vm.deleteLater()
