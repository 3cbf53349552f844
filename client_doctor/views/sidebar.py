"""The doctor window's left column: the app's title, the doctor, the sections (their shortcuts in the tooltips)
and the connection indicator at the foot."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QVBoxLayout, QWidget

from client_doctor.views.widgets import label
from common.qt.indicator import ConnectionIndicator
from common.schemas import DoctorOut

SIDEBAR_WIDTH = 180  # 800 px side by side leaves the pages 620


class Sidebar(QWidget):
    def __init__(self, doctor: DoctorOut, sections: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setFixedWidth(SIDEBAR_WIDTH)
        side = QVBoxLayout(self)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(label("Consulting room", "appTitle", wrap=True))
        side.addWidget(
            label(doctor.full_name + (f" · {doctor.specialty}" if doctor.specialty else ""), "doctorName", wrap=True)
        )
        self.nav = QListWidget()
        self.nav.setObjectName("navList")
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, name in enumerate(sections):
            self.nav.addItem(name)
            self.nav.item(i).setToolTip(f"Ctrl+{i + 1}")
        self.nav.setAccessibleName(f"Sections (Ctrl+1 to Ctrl+{len(sections)})")
        side.addWidget(self.nav, 1)
        footer = QWidget()
        footer.setObjectName("sidebarFooter")
        footer_row = QHBoxLayout(footer)
        footer_row.setContentsMargins(12, 8, 12, 8)
        self.indicator = ConnectionIndicator()
        footer_row.addWidget(self.indicator)
        footer_row.addStretch(1)
        side.addWidget(footer)
