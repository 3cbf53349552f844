"""The reception main window: side navigation, the five screens, error banner, and a status bar with the
live connection state and the logged-in user."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client_reception.views.appointments import AppointmentsView
from client_reception.views.board import BoardView
from client_reception.views.checkin import CheckInView
from client_reception.views.patients import PatientsView
from client_reception.views.payments import PaymentsView
from common.qt.banner import ErrorBanner
from common.qt.indicator import ConnectionIndicator

BOARD, CHECKIN, APPOINTMENTS, PATIENTS, PAYMENTS = range(5)
SIDEBAR_WIDTH = 150  # with the narrowest screen (the board) it fits 800 px: two windows side by side on 1600
SECTIONS = ("Queue board", "Check-in", "Appointments", "Patients", "Payments")

STYLE = """
QWidget#sidebar { background: #24323f; }
QLabel#appTitle { color: white; font-size: 15pt; font-weight: bold; padding: 16px 14px 2px 14px; }
QLabel#clinicName { color: #b8c7d6; padding: 0 14px 12px 14px; }
QListWidget#nav { background: transparent; border: none; color: #dfe7ef; font-size: 11pt; outline: 0; }
QListWidget#nav::item { padding: 10px 12px; }
QListWidget#nav::item:selected { background: #3b5166; color: white; border-left: 4px solid #64b5f6; }
QListWidget#nav::item:hover:!selected { background: #2d3e4e; }
"""


class MainWindow(QMainWindow):
    closing = Signal()

    def __init__(
        self,
        *,
        board: BoardView,
        checkin: CheckInView,
        appointments: AppointmentsView,
        patients: PatientsView,
        payments: PaymentsView,
        user_text: str,
        clinic_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reception_main_window")
        self.setWindowTitle(f"Clinic reception — {clinic_name}")
        self.resize(1280, 800)
        self.setStyleSheet(STYLE)
        self.board_view, self.checkin_view = board, checkin
        self.appointments_view, self.patients_view, self.payments_view = appointments, patients, payments

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.setCentralWidget(central)

        sidebar = QWidget(central)
        sidebar.setObjectName("sidebar")
        sidebar.setFixedWidth(SIDEBAR_WIDTH)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Reception", sidebar)
        title.setObjectName("appTitle")
        clinic = QLabel(clinic_name, sidebar)
        clinic.setObjectName("clinicName")
        clinic.setWordWrap(True)
        side.addWidget(title)
        side.addWidget(clinic)
        self.nav = QListWidget(sidebar)
        self.nav.setObjectName("nav")
        for i, name in enumerate(SECTIONS):
            self.nav.addItem(name)
            self.nav.item(i).setToolTip(f"Ctrl+{i + 1}")
        side.addWidget(self.nav, 1)
        row.addWidget(sidebar)

        content = QWidget(central)
        col = QVBoxLayout(content)
        col.setContentsMargins(8, 8, 8, 0)
        self.banner = ErrorBanner(content)
        col.addWidget(self.banner)
        self.stack = QStackedWidget(content)
        self.stack.setObjectName("pages")
        for page in (board, checkin, appointments, patients, payments):
            self.stack.addWidget(page)
        col.addWidget(self.stack, 1)
        row.addWidget(content, 1)

        status = self.statusBar()
        status.setObjectName("status_bar")
        self.indicator = ConnectionIndicator(status)
        status.addWidget(self.indicator)
        self.user_label = QLabel(user_text, status)
        self.user_label.setObjectName("status_user")
        status.addPermanentWidget(self.user_label)

        board.payment_requested.connect(self.take_payment)
        self._opened: set[int] = set()
        self.nav.currentRowChanged.connect(self.show_section)
        for i in range(len(SECTIONS)):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self).activated.connect(lambda i=i: self.nav.setCurrentRow(i))
        self.nav.setCurrentRow(BOARD)

    def show_section(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        for i in range(self.stack.count()):  # the board keeps itself fresh wherever the desk is
            vm = getattr(self.stack.widget(i), "vm", None)
            if i != BOARD and vm is not None:
                vm.shown = i == index
        page = self.stack.widget(index)
        if index != BOARD and page is not None and hasattr(page, "activate"):
            page.activate()  # screens other than the board refetch when opened; events keep them fresh after
        self._opened.add(index)

    def take_payment(self, visit_id: int) -> None:
        """From a completed card on the board: the Payments screen with the dialog open for that visit."""
        self.nav.setCurrentRow(PAYMENTS)
        self.payments_view.open_take(visit_id)

    def set_connection_state(self, state: str) -> None:
        self.indicator.set_state(state)
        self.banner.follow_connection(state)  # the kit's rule, shared with the doctor app

    def closeEvent(self, event: QCloseEvent) -> None:
        self.board_view.shutdown()
        self.closing.emit()
        super().closeEvent(event)
