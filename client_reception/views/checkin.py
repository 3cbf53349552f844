"""Check-in screen: today's appointments with a Check in button, and a walk-in panel (find or register the
patient, choose doctor and service)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from client_reception.viewmodels.catalog import Catalog
from client_reception.viewmodels.checkin import CheckInViewModel
from client_reception.views.cancel_dialogs import CancelAppointmentDialog, NoShowDialog
from client_reception.views.common import busy_bar, heading, selected_row, table
from client_reception.views.patient_dialog import PatientDialog
from common.client import ApiError
from common.enums import Priority
from common.qt.flow_layout import flow_widget
from common.qt.formatting import format_money
from common.schemas import AppointmentOut, PatientCreate, PatientOut, PatientUpdate


def fill_doctors(combo: QComboBox, catalog: Catalog, *, placeholder: str | None = None) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if placeholder is not None:
        combo.addItem(placeholder, None)
    for doctor in catalog.doctors:
        combo.addItem(f"{doctor.full_name} — {doctor.specialty}" if doctor.specialty else doctor.full_name, doctor.id)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)


PRIORITY_TEXT = {
    Priority.NORMAL: "Normal",
    Priority.URGENT: "Urgent — seen before normal",
    Priority.EMERGENCY: "Emergency — seen first",
}


def priority_combo(name: str, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    for priority, text in PRIORITY_TEXT.items():
        combo.addItem(text, priority)
    combo.setToolTip("Waiting patients are seen by priority, then by arrival")
    return combo


def fill_services(combo: QComboBox, catalog: Catalog) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for service in catalog.services:
        combo.addItem(f"{service.name} ({service.duration_minutes} min, {format_money(service.price)})", service.id)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)


class CheckInView(QWidget):
    def __init__(self, vm: CheckInViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("checkin_view")
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Check-in", self))
        self.day_label = QLabel(self)
        top.addWidget(self.day_label)
        top.addStretch(1)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("checkin_refresh")
        top.addWidget(self.refresh_button)
        root.addLayout(top)
        self.busy = busy_bar("checkin_busy", self)
        root.addWidget(self.busy)

        splitter = QSplitter(self)
        root.addWidget(splitter, 1)

        # today's appointments
        left = QGroupBox("Today's appointments", splitter)
        left_layout = QVBoxLayout(left)
        self.table = table("checkin_appointments", vm.model, left)
        left_layout.addWidget(self.table, 1)
        self.checkin_button = QPushButton("Check in selected appointment", left)
        self.checkin_button.setObjectName("checkin_appointment")
        self.appointment_priority = priority_combo("checkin_priority", left)
        self.no_show_button = QPushButton("No-show…", left)
        self.no_show_button.setObjectName("checkin_no_show")
        self.cancel_appointment_button = QPushButton("Cancel appointment…", left)
        self.cancel_appointment_button.setObjectName("checkin_cancel_appointment")
        left_layout.addWidget(
            flow_widget(
                left,
                QLabel("Priority:", left),
                self.appointment_priority,
                self.checkin_button,
                self.no_show_button,
                self.cancel_appointment_button,
            )
        )

        # walk-in
        right = QGroupBox("Walk-in", splitter)
        form = QFormLayout(right)
        self.patient_search = QLineEdit(right)
        self.patient_search.setObjectName("walkin_search")
        self.patient_search.setPlaceholderText("Name or phone…")
        self.patient_search.setClearButtonEnabled(True)
        form.addRow("Find patient", self.patient_search)
        self.results = table("walkin_results", vm.search.model, right)
        self.results.setMinimumHeight(160)
        for column in (3, 4):  # gender and allergies: not needed to pick someone
            self.results.hideColumn(column)
        form.addRow(self.results)
        self.register_button = QPushButton("Register new patient…", right)
        self.register_button.setObjectName("walkin_register")
        form.addRow(self.register_button)
        self.chosen = QLabel("No patient chosen", right)
        self.chosen.setObjectName("walkin_patient")
        self.chosen.setStyleSheet("font-weight: bold;")
        form.addRow("Patient", self.chosen)
        self.doctor = QComboBox(right)
        self.doctor.setObjectName("walkin_doctor")
        form.addRow("Doctor", self.doctor)
        self.service = QComboBox(right)
        self.service.setObjectName("walkin_service")
        form.addRow("Service", self.service)
        self.walkin_priority = priority_combo("walkin_priority", right)
        form.addRow("Priority", self.walkin_priority)
        self.walkin_button = QPushButton("Check in walk-in", right)
        self.walkin_button.setObjectName("walkin_checkin")
        form.addRow(self.walkin_button)
        splitter.setSizes([620, 420])

        self.patient: PatientOut | None = None
        self.dialog: PatientDialog | CancelAppointmentDialog | NoShowDialog | None = None

        self.refresh_button.clicked.connect(vm.refresh)
        self.checkin_button.clicked.connect(self.check_in_selected)
        self.no_show_button.clicked.connect(self.ask_no_show)
        self.cancel_appointment_button.clicked.connect(self.ask_cancel)
        self.table.doubleClicked.connect(lambda _: self.check_in_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        vm.model.modelReset.connect(self._update_buttons)
        self.patient_search.textChanged.connect(vm.search.set_text)
        self.results.selectionModel().selectionChanged.connect(self._patient_picked)
        self.register_button.clicked.connect(self.open_register)
        self.walkin_button.clicked.connect(self.check_in_walk_in)
        self.doctor.currentIndexChanged.connect(self._update_buttons)
        self.service.currentIndexChanged.connect(self._update_buttons)
        vm.catalog.changed.connect(self._catalog_changed)
        vm.busy_changed.connect(self._busy)
        self._catalog_changed()

    def _catalog_changed(self) -> None:
        fill_doctors(self.doctor, self.vm.catalog)
        fill_services(self.service, self.vm.catalog)
        self.day_label.setText(f"— {self.vm.catalog.today():%A %d %B %Y}")
        self._update_buttons()

    def _busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.refresh_button.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        row = selected_row(self.table)
        appointment = self.vm.appointment_at(row) if row is not None else None
        idle = not self.vm.busy
        self.checkin_button.setEnabled(idle and self.vm.can_check_in(appointment))
        no_show = self.vm.can_mark_no_show(appointment)
        self.no_show_button.setEnabled(idle and no_show)
        self.no_show_button.setToolTip(
            "Mark the selected appointment as a no-show"
            if no_show or appointment is None
            else "Only an appointment that has begun can be marked a no-show"
        )
        self.cancel_appointment_button.setEnabled(idle and self.vm.can_check_in(appointment))
        ready = self.patient is not None and self.doctor.currentData() is not None
        self.walkin_button.setEnabled(idle and ready and self.service.currentData() is not None)

    def _patient_picked(self, *_: object) -> None:
        row = selected_row(self.results)
        if row is not None:
            self.set_patient(self.vm.search.patient_at(row))

    def set_patient(self, patient: PatientOut | None) -> None:
        self.patient = patient
        self.chosen.setText(f"{patient.full_name}  ({patient.phone})" if patient else "No patient chosen")
        self._update_buttons()

    @asyncSlot()
    async def check_in_selected(self) -> None:
        row = selected_row(self.table)
        appointment = self.vm.appointment_at(row) if row is not None else None
        if not self.vm.can_check_in(appointment):
            return
        assert appointment is not None
        try:
            await self.vm.check_in_appointment(appointment.id, self.appointment_priority.currentData())
        except ApiError as exc:
            self.vm.error.emit(exc.message)
            return
        self.appointment_priority.setCurrentIndex(0)  # the next one starts at Normal again

    @asyncSlot()
    async def check_in_walk_in(self) -> None:
        if self.patient is None or self.doctor.currentData() is None or self.service.currentData() is None:
            return
        try:
            await self.vm.check_in_walk_in(
                patient_id=self.patient.id,
                doctor_id=self.doctor.currentData(),
                service_id=self.service.currentData(),
                priority=self.walkin_priority.currentData(),
            )
        except ApiError as exc:
            self.vm.error.emit(exc.message)
            return
        self.set_patient(None)
        self.patient_search.clear()
        self.walkin_priority.setCurrentIndex(0)

    def _selected_appointment(self) -> AppointmentOut | None:
        row = selected_row(self.table)
        appointment = self.vm.appointment_at(row) if row is not None else None
        return appointment if self.vm.can_check_in(appointment) else None

    def _open(self, dialog: CancelAppointmentDialog | NoShowDialog) -> CancelAppointmentDialog | NoShowDialog:
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_no_show(self) -> NoShowDialog | None:
        appointment = self._selected_appointment()
        # the ignore: _open gives back the dialog it is handed, typed as its base class
        return self._open(NoShowDialog(self.vm, appointment, self)) if appointment else None  # type: ignore[return-value]

    def ask_cancel(self) -> CancelAppointmentDialog | None:
        appointment = self._selected_appointment()
        # the ignore: _open gives back the dialog it is handed, typed as its base class
        return self._open(CancelAppointmentDialog(self.vm, appointment, self)) if appointment else None  # type: ignore[return-value]

    def open_register(self) -> PatientDialog:
        async def save(data: PatientCreate | PatientUpdate) -> PatientOut:
            assert isinstance(data, PatientCreate)
            return await self.vm.register_patient(data)

        dialog = PatientDialog(save, None, self)
        if self.patient_search.text().strip() and not any(c.isdigit() for c in self.patient_search.text()):
            dialog.name.setText(self.patient_search.text().strip())
        dialog.succeeded.connect(self.set_patient)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def activate(self) -> None:
        self.vm.refresh()
