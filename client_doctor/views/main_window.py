"""The doctor's main window: side navigation, connection indicator, error banner, toast, tray, shortcuts.

It lays out and navigates: sections, the consultation page, where a push goes (never over an open
consultation). The live events are wired to the view-models in app.py, not here.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from client_doctor.notifier import PushNotifier
from client_doctor.printing import Letterhead
from client_doctor.viewmodels.consultation import ConsultationViewModel
from client_doctor.viewmodels.earnings import EarningsViewModel
from client_doctor.viewmodels.follow_up import FollowUpViewModel
from client_doctor.viewmodels.patients import PatientsViewModel
from client_doctor.viewmodels.record import VisitRecordViewModel
from client_doctor.viewmodels.schedule import ScheduleViewModel
from client_doctor.viewmodels.today import TodayViewModel
from client_doctor.views.consultation import ConsultationView
from client_doctor.views.earnings import EarningsView
from client_doctor.views.follow_up import FollowUpDialog
from client_doctor.views.keyboard import WindowKeys
from client_doctor.views.patients import PatientsView
from client_doctor.views.record import VisitRecordView
from client_doctor.views.schedule import ScheduleView
from client_doctor.views.sidebar import Sidebar
from client_doctor.views.style import STYLE
from client_doctor.views.today import TodayView
from client_doctor.views.widgets import SentInBar, Toast
from common.qt.accessibility import name_controls
from common.qt.banner import ErrorBanner
from common.schemas import ClinicOut, DoctorOut, VisitOut

log = logging.getLogger(__name__)

TODAY, EARNINGS, PATIENTS, SCHEDULE = range(4)
SECTIONS = ("Today's Work", "My Earnings", "My Patients", "Schedule")


class DoctorMainWindow(QMainWindow):
    shown = Signal()  # first time the window is on screen (the startup benchmark listens)

    def __init__(
        self,
        *,
        doctor: DoctorOut,
        today: TodayViewModel,
        consultation: ConsultationViewModel,
        earnings: EarningsViewModel,
        patients: PatientsViewModel,
        schedule: ScheduleViewModel,
        record: VisitRecordViewModel,
        follow_up: FollowUpViewModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("doctorMainWindow")
        self.setWindowTitle(f"Consulting room — {doctor.full_name}")
        self.setStyleSheet(STYLE)
        self.resize(1200, 780)
        self.doctor = doctor
        self.today_vm, self.consultation_vm = today, consultation
        self.earnings_vm, self.patients_vm, self.schedule_vm = earnings, patients, schedule
        self.record_vm = record
        self.follow_up_vm = follow_up
        self.follow_up_dialog = FollowUpDialog(follow_up, self)
        self._record_return: QWidget | None = None  # the page the visit record was opened from
        self._loaded: set[int] = set()
        self._was_shown = False

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.setCentralWidget(central)

        sidebar = Sidebar(doctor, SECTIONS)
        self.nav, self.indicator = sidebar.nav, sidebar.indicator
        row.addWidget(sidebar)

        content = QWidget()
        content.setObjectName("contentArea")
        col = QVBoxLayout(content)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        self.banner = ErrorBanner()
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(16, 8, 16, 0)
        banner_row.addWidget(self.banner)
        col.addLayout(banner_row)
        self.sent_in_bar = SentInBar()
        bar_row = QHBoxLayout()
        bar_row.setContentsMargins(16, 8, 16, 0)
        bar_row.addWidget(self.sent_in_bar)
        col.addLayout(bar_row)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        col.addWidget(self.stack, 1)
        row.addWidget(content, 1)

        self.today_view = TodayView(today)
        self.earnings_view = EarningsView(earnings)
        self.patients_view = PatientsView(patients)
        self.schedule_view = ScheduleView(schedule)
        self.consultation_view = ConsultationView(consultation)
        for page in (self.today_view, self.earnings_view, self.patients_view, self.schedule_view):
            self.stack.addWidget(page)
        self.stack.addWidget(self.consultation_view)  # the full page that replaces a section
        self.record_view = VisitRecordView(record)
        self.stack.addWidget(self.record_view)  # read-only, over whichever page opened it

        self.toast = Toast(self)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Clinic — consulting room")
            self.tray.show()
        self.notifications: list[str] = []  # what was announced (toast), newest last
        self.alerts: list[str] = []  # what was also announced by tray message and sound (window not active)
        self.notifier = PushNotifier(today.settings, self.tray, self)

        self.nav.currentRowChanged.connect(self.show_section)
        for vm in (today, consultation, earnings, patients, schedule, record):
            vm.error.connect(self.banner_error)
        self.patients_view.open_record.connect(self.open_record)
        self.consultation_view.open_record.connect(self.open_record)
        self.schedule_view.open_record.connect(self.open_record)
        for confirming in (schedule, earnings, follow_up):
            confirming.info.connect(self.notify_info)
        self.consultation_view.follow_up_requested.connect(self.follow_up_dialog.begin)
        self.record_view.back_requested.connect(self.record_back)
        self.set_clinic(None)
        for view in (self.record_view, self.consultation_view):  # the paper chosen last is kept
            view.print_panel.page.currentTextChanged.connect(self._remember_page_size)
        today.open_requested.connect(self.open_consultation)
        today.sent_in.connect(self._sent_in)
        self.sent_in_bar.open_clicked.connect(self.open_consultation)
        today.toast.connect(self.notify)
        self.consultation_view.back_requested.connect(self.back)
        consultation.completed.connect(self._completed)
        self.keys = WindowKeys(self, len(SECTIONS), TODAY)
        self.nav.setCurrentRow(TODAY)
        name_controls(self)  # the rest get an accessible name from what they show

    # --- navigation -------------------------------------------------------------------------------------------

    @property
    def in_consultation(self) -> bool:
        return self.stack.currentWidget() is self.consultation_view

    @property
    def in_record(self) -> bool:
        return self.stack.currentWidget() is self.record_view

    @property
    def consultation_open(self) -> bool:
        """A consultation is on screen, or under the visit record opened from it."""
        return self.in_consultation or (self.in_record and self._record_return is self.consultation_view)

    @property
    def current_section(self) -> int:
        return self.nav.currentRow()

    def show_section(self, index: int) -> None:
        if index < 0:
            return
        if self.consultation_open:
            self.consultation_view.unbind()
            self.consultation_vm.leave()
        self._record_return = None
        self.stack.setCurrentIndex(index)
        self._focus_section(index)
        if index not in self._loaded:  # each section loads on first visit; app.py keeps it fresh after
            self._loaded.add(index)
            self._reload(index)

    def _focus_section(self, index: int) -> None:
        """Without a mouse: the section's first control takes the keyboard (Ctrl+1…4 then Tab through it)."""
        first = (
            self.today_view.call_next,
            self.earnings_view.start,
            self.patients_view.search,
            self.schedule_view.tree,
        )[index]
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _reload(self, index: int) -> None:
        (self.today_vm, self.earnings_vm, self.patients_vm, self.schedule_vm)[index].refresh()
        if index == SCHEDULE:
            self.schedule_vm.start_periodic()

    def open_consultation(self, visit_id: int) -> None:
        if self.in_consultation and self.consultation_vm.visit_id == visit_id:
            self.consultation_vm.spawn(self.consultation_vm.load())  # already open: just refresh it
            return
        if self.sent_in_bar.visit_id == visit_id:
            self.sent_in_bar.dismiss()
        self.today_view.show_success("")
        self.consultation_view.begin(visit_id)
        self.stack.setCurrentWidget(self.consultation_view)
        # The page holds the focus, not an editor: whatever the doctor was typing cannot continue into it.
        self.consultation_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_record(self, visit_id: int) -> None:
        """The read-only record of a visit, over the page it was opened from (Back returns there)."""
        if not self.in_record:
            self._record_return = self.stack.currentWidget()
        self.record_view.begin(visit_id)
        self.stack.setCurrentWidget(self.record_view)
        self.record_view.back.setFocus(Qt.FocusReason.OtherFocusReason)

    def record_back(self) -> None:
        target = self._record_return or self.today_view
        self._record_return = None
        self.record_vm.visit_id = None
        self.stack.setCurrentWidget(target)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _sent_in(self, visit_id: int, patient_name: str) -> None:
        """A push: open it only when no consultation is open (and the doctor wants that); otherwise announce it."""
        if self.consultation_open:
            if self.consultation_vm.visit_id != visit_id:
                self.sent_in_bar.announce(visit_id, patient_name)
            return
        if self.today_vm.settings.auto_open_consultation:
            self.open_consultation(visit_id)

    def back(self) -> None:
        self.consultation_view.unbind()
        self.consultation_vm.leave()
        self.nav.setCurrentRow(TODAY)
        self.stack.setCurrentIndex(TODAY)
        self.today_vm.refresh_soon()

    def _completed(self, visit: VisitOut) -> None:
        self.toast.hide()  # "… was sent in" is over once the consultation is done
        self.back()
        self.today_view.show_success(f"Consultation with {visit.patient.full_name} completed.")
        self.today_vm.refresh()

    def set_clinic(self, clinic: ClinicOut | None) -> None:
        """The clinic heads printed documents (name, address, phone) with the doctor's name."""
        self.clinic = clinic
        letterhead = Letterhead.of(clinic, self.doctor)
        page = self.today_vm.settings.page_size
        for view in (self.record_view, self.consultation_view):
            view.letterhead = letterhead
            view.print_panel.page.setCurrentIndex(max(0, view.print_panel.page.findData(page)))

    def _remember_page_size(self, page: str) -> None:
        self.today_vm.settings.page_size = page

    # --- messages ---------------------------------------------------------------------------------------------

    def set_connection_state(self, state: str) -> None:
        """The dot in the sidebar, and the same banner as reception's: offline says so; back online clears what
        the outage left (an old "Cannot reach the server" under a green "Connected")."""
        self.indicator.set_state(state)
        self.banner.follow_connection(state)

    def banner_error(self, message: str) -> None:
        self.banner.show_error(message)

    def notify_info(self, text: str) -> None:
        """A confirmation of the doctor's own action (not a push: no tray message, no sound)."""
        self.toast.show_message(text)

    def notify(self, text: str) -> None:
        """A toast in the window; when the window is not the active one, also a tray message and a sound."""
        self.notifications.append(text)
        self.toast.show_message(text)
        if not self.in_background:
            return
        self.alerts.append(text)
        self.notifier.alert("Patient sent in", text)  # tray message, and the chime unless muted
        QApplication.alert(self)  # flash the task bar entry

    @property
    def in_background(self) -> bool:
        """The doctor is not looking at this window: minimised, hidden, or another program is in front."""
        return self.isMinimized() or not self.isVisible() or not self.isActiveWindow()

    # --- window -----------------------------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self._was_shown:
            self._was_shown = True
            self.shown.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.toast.reposition()

    def shutdown(self) -> None:
        """Stop every view-model's tasks and timers (the app quits, or a test ends)."""
        self.consultation_view.shutdown()
        for vm in (
            self.today_vm,
            self.consultation_vm,
            self.earnings_vm,
            self.patients_vm,
            self.schedule_vm,
            self.record_vm,
            self.follow_up_vm,
        ):
            vm.close()
        if self.tray is not None:
            self.tray.hide()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)
