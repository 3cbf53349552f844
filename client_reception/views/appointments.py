"""Appointments screen: a day or week list with doctor/status filters; book, edit, cancel (with confirmation)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from client_reception.viewmodels.appointments import DAY, WEEK, AppointmentsViewModel
from client_reception.views.appointment_dialog import AppointmentDialog
from client_reception.views.checkin import fill_doctors
from client_reception.views.common import busy_bar, heading, selected_row, table
from client_reception.views.forms import confirm
from common.enums import AppointmentStatus
from common.qt.flow_layout import flow_widget, labelled
from common.schemas import AppointmentOut

CANCELLABLE = {AppointmentStatus.CONFIRMED}


class AppointmentsView(QWidget):
    def __init__(self, vm: AppointmentsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("appointments_view")
        root = QVBoxLayout(self)
        self.mode = QComboBox(self)
        self.mode.setObjectName("appointments_mode")
        self.mode.addItem("Day", DAY)
        self.mode.addItem("Week", WEEK)
        self.prev_button = QPushButton("◀", self)
        self.prev_button.setObjectName("appointments_prev")
        self.today_button = QPushButton("Today", self)
        self.today_button.setObjectName("appointments_today")
        self.next_button = QPushButton("▶", self)
        self.next_button.setObjectName("appointments_next")
        for button in (self.prev_button, self.today_button, self.next_button):
            button.setMaximumWidth(80 if button is self.today_button else 36)
        self.range_label = QLabel(self)
        self.range_label.setObjectName("appointments_range")
        self.range_label.setStyleSheet("font-weight: bold;")
        self.doctor = QComboBox(self)
        self.doctor.setObjectName("appointments_doctor")
        self.doctor.setMinimumContentsLength(14)
        self.doctor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status = QComboBox(self)
        self.status.setObjectName("appointments_status")
        self.status.addItem("Any status", None)
        for status in AppointmentStatus:
            self.status.addItem(status.value.replace("_", " ").title(), status)
        # the bar wraps onto a second line in a narrow window
        root.addWidget(
            flow_widget(
                self,
                heading("Appointments", self),
                self.mode,
                self.prev_button,
                self.today_button,
                self.next_button,
                self.range_label,
                labelled(self, "Doctor:", self.doctor),
                labelled(self, "Status:", self.status),
            )
        )
        self.busy = busy_bar("appointments_busy", self)
        root.addWidget(self.busy)
        self.table = table("appointments_table", vm.model, self)
        root.addWidget(self.table, 1)
        self.count = QLabel(self)
        self.book_button = QPushButton("Book appointment…", self)
        self.book_button.setObjectName("appointments_book")
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.setObjectName("appointments_edit")
        self.cancel_button = QPushButton("Cancel appointment…", self)
        self.cancel_button.setObjectName("appointments_cancel")
        root.addWidget(flow_widget(self, self.count, self.book_button, self.edit_button, self.cancel_button))
        self.dialog: AppointmentDialog | None = None

        self.mode.currentIndexChanged.connect(lambda _: vm.set_filters(mode=self.mode.currentData()))
        self.prev_button.clicked.connect(lambda: vm.step(-1))
        self.next_button.clicked.connect(lambda: vm.step(+1))
        self.today_button.clicked.connect(lambda: vm.set_filters(anchor=vm.catalog.today()))
        self.doctor.currentIndexChanged.connect(lambda _: vm.set_filters(doctor_id=self.doctor.currentData()))
        self.status.currentIndexChanged.connect(lambda _: vm.set_filters(status=self.status.currentData()))
        self.book_button.clicked.connect(self.open_book)
        self.edit_button.clicked.connect(self.open_edit)
        self.cancel_button.clicked.connect(self.ask_cancel)
        self.table.doubleClicked.connect(lambda _: self.open_edit())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        vm.model.modelReset.connect(self._update_buttons)
        vm.loaded.connect(self._loaded)
        vm.busy_changed.connect(self.busy.setVisible)
        vm.catalog.changed.connect(lambda: fill_doctors(self.doctor, vm.catalog, placeholder="All doctors"))
        fill_doctors(self.doctor, vm.catalog, placeholder="All doctors")
        self._loaded()

    def _loaded(self) -> None:
        start, end = self.vm.date_range
        text = f"{start:%a %d %b %Y}" if start == end else f"{start:%d %b} – {end:%d %b %Y}"
        self.range_label.setText(text)
        self.count.setText(f"{self.vm.model.rowCount()} appointments")
        self._update_buttons()

    def _selected(self) -> AppointmentOut | None:
        row = selected_row(self.table)
        return self.vm.appointment_at(row) if row is not None else None

    def _update_buttons(self, *_: object) -> None:
        appt = self._selected()
        self.edit_button.setEnabled(appt is not None and appt.status in CANCELLABLE)
        self.cancel_button.setEnabled(appt is not None and appt.status in CANCELLABLE)

    def open_book(self) -> AppointmentDialog:
        start, _ = self.vm.date_range
        return self._open(AppointmentDialog(self.vm, None, self, day=max(start, self.vm.catalog.today())))

    def open_edit(self) -> AppointmentDialog | None:
        appt = self._selected()
        if appt is None or appt.status not in CANCELLABLE:
            return None
        return self._open(AppointmentDialog(self.vm, appt, self))

    def _open(self, dialog: AppointmentDialog) -> AppointmentDialog:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def ask_cancel(self) -> None:
        appt = self._selected()
        if appt is None:
            return
        when = appt.start_time.astimezone(self.vm.catalog.tz)
        confirm(
            self,
            "Cancel appointment",
            f"Cancel {appt.patient.full_name}'s appointment with {appt.doctor.full_name} on {when:%a %d %b at %H:%M}?",
            lambda: self.vm.spawn(self.vm.cancel(appt.id)),
            yes_text="Cancel appointment",
        )

    def activate(self) -> None:
        self.vm.refresh()
