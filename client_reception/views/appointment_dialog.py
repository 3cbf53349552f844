"""Book or edit an appointment. Start times are offered only inside the doctor's free scheduled hours."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QWidget

from client_reception.viewmodels.appointments import AppointmentsViewModel
from client_reception.views.checkin import fill_doctors, fill_services
from client_reception.views.common import selected_row, table
from client_reception.views.forms import FormDialog
from common.client import ApiError
from common.schemas import AppointmentCreate, AppointmentOut, AppointmentUpdate, PatientBrief, PatientOut


class AppointmentDialog(FormDialog):
    def __init__(
        self,
        vm: AppointmentsViewModel,
        appointment: AppointmentOut | None = None,
        parent: QWidget | None = None,
        *,
        day: date | None = None,
    ) -> None:
        super().__init__(
            "Edit appointment" if appointment else "Book appointment", parent, ok_text="Save" if appointment else "Book"
        )
        self.setObjectName("appointment_dialog")
        self.setMinimumWidth(520)
        self.vm = vm
        self.appointment = appointment
        self.patient: PatientOut | PatientBrief | None = None
        catalog = vm.catalog

        if appointment is None:
            self.search = self.add_field("patient_search", "Find patient", QLineEdit(self))
            self.search.setPlaceholderText("Name or phone…")
            self.results = table("appointment_patient_results", vm.search.model, self)
            self.results.setMaximumHeight(150)
            for column in (3, 4):
                self.results.hideColumn(column)
            self.form.addRow(self.results)
            vm.search.reset()  # the picker is shared between dialogs: start from a clean list
            self.search.textChanged.connect(vm.search.set_text)
            self.results.selectionModel().selectionChanged.connect(self._patient_picked)
        self.patient_label = QLabel("No patient chosen", self)
        self.patient_label.setStyleSheet("font-weight: bold;")
        self.add_field("patient_id", "Patient", self.patient_label)
        self.doctor = self.add_field("doctor_id", "Doctor", QComboBox(self))
        fill_doctors(self.doctor, catalog)
        self.service = self.add_field("service_id", "Service", QComboBox(self))
        fill_services(self.service, catalog)
        self.date = self.add_field("date", "Date", QDateEdit(self))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd yyyy-MM-dd")
        today = catalog.today()
        self.date.setMinimumDate(QDate(today.year, today.month, today.day))
        self.start = self.add_field("start_time", "Start time", QComboBox(self))
        self.start.setMinimumWidth(160)
        self.slots_hint = QLabel(self)
        self.slots_hint.setObjectName("appointment_slots_hint")
        self.slots_hint.setStyleSheet("color: #666;")
        self.form.addRow("", self.slots_hint)
        self.notes = self.add_field("notes", "Notes", QLineEdit(self))

        chosen_day = day or today
        if appointment is not None:
            local = appointment.start_time.astimezone(catalog.tz)
            chosen_day = local.date()
            self.set_patient(appointment.patient)
            self.doctor.setCurrentIndex(max(self.doctor.findData(appointment.doctor_id), 0))
            self.service.setCurrentIndex(max(self.service.findData(appointment.service_id), 0))
            self.notes.setText(appointment.notes)
        self.date.setDate(QDate(chosen_day.year, chosen_day.month, chosen_day.day))

        self._generation = 0
        self.slots_task: asyncio.Task[None] | None = None
        self.doctor.currentIndexChanged.connect(self.reload_slots)
        self.service.currentIndexChanged.connect(self.reload_slots)
        self.date.dateChanged.connect(self.reload_slots)
        self.finished.connect(self._stop)

    def _stop(self, *_: object) -> None:
        self._generation += 1  # an answer still on its way is dropped (the task keeper cancels the task)

    def _patient_picked(self, *_: object) -> None:
        row = selected_row(self.results)
        if row is not None:
            self.set_patient(self.vm.search.patient_at(row))

    def set_patient(self, patient: PatientOut | PatientBrief | None) -> None:
        self.patient = patient
        self.patient_label.setText(f"{patient.full_name}  ({patient.phone})" if patient else "No patient chosen")

    # --- free start times -------------------------------------------------------------------------------------

    def reload_slots(self, *_: object) -> None:
        self.slots_task = self.spawn(self.load_slots())

    async def load_slots(self) -> None:
        """Offer the free start times for the chosen doctor, service and day (newest request wins)."""
        self._generation += 1
        mine = self._generation
        doctor_id, service_id = self.doctor.currentData(), self.service.currentData()
        day = cast(date, self.date.date().toPython())  # the stubs say object
        self.start.clear()
        if doctor_id is None or service_id is None:
            self.slots_hint.setText("Choose a doctor and a service.")
            return
        self.slots_hint.setText("Looking up free times…")
        self.start.setEnabled(False)
        try:
            times = await self.vm.free_start_times(
                doctor_id=doctor_id,
                service_id=service_id,
                day=day,
                ignore_id=self.appointment.id if self.appointment else None,
            )
        except ApiError as exc:
            if mine == self._generation:
                self.slots_hint.setText(exc.message)
            return
        if mine != self._generation:
            return
        self.start.setEnabled(True)
        for when in times:
            self.start.addItem(f"{when:%H:%M}", when)
        if self.appointment is not None:
            current = self.appointment.start_time.astimezone(self.vm.catalog.tz)
            index = next((i for i, t in enumerate(times) if t == current), -1)
            if index >= 0:
                self.start.setCurrentIndex(index)
        self.slots_hint.setText(
            f"{len(times)} free start times" if times else "The doctor has no free time that day; try another day."
        )

    # --- submit -----------------------------------------------------------------------------------------------

    def validate(self) -> tuple[str, str] | None:
        if self.patient is None:
            return ("patient_search" if self.appointment is None else "patient_id"), "Please choose the patient."
        if self.doctor.currentData() is None:
            return "doctor_id", "Please choose a doctor."
        if self.service.currentData() is None:
            return "service_id", "Please choose a service."
        if self.start.currentData() is None:
            return "start_time", "Please choose a free start time."
        return None

    async def submit(self) -> AppointmentOut:
        assert self.patient is not None
        start = self.start.currentData()
        if self.appointment is None:
            data = AppointmentCreate(
                patient_id=self.patient.id,
                doctor_id=self.doctor.currentData(),
                service_id=self.service.currentData(),
                start_time=start,
                notes=self.notes.text().strip(),
            )
            return await self.vm.create(data)
        update = AppointmentUpdate(
            doctor_id=self.doctor.currentData(),
            service_id=self.service.currentData(),
            start_time=start,
            notes=self.notes.text().strip(),
        )
        return await self.vm.update(self.appointment.id, update)

    def show_error(self, message: str, field: str | None = None) -> None:
        super().show_error(message, field)
        if field == "start_time":  # the free times changed under us: offer the current ones
            self.reload_slots()

    def open(self) -> None:  # noqa: A003 (QDialog.open)
        super().open()
        self.reload_slots()
