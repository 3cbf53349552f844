"""The follow-up dialog: this patient and this doctor (fixed), a service, a day and the free slots the server
offers; opened with open(), never exec(), so the socket keeps running."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.viewmodels.follow_up import FollowUpViewModel
from client_doctor.views.style import MESSAGE_STYLES
from client_doctor.views.widgets import label
from common.schemas import AppointmentOut, ServiceOut

DEFAULT_WEEKS = 2  # a follow-up is usually booked a couple of weeks out


class FollowUpDialog(QDialog):
    def __init__(self, vm: FollowUpViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("followUpDialog")
        self.setWindowTitle("Book a follow-up")
        self.setMinimumSize(460, 520)
        col = QVBoxLayout(self)
        self.heading = label("Book a follow-up", "sectionTitle")
        col.addWidget(self.heading)
        form = QFormLayout()
        self.patient = label(name="followUpPatient")
        self.doctor = label(vm.doctor.full_name, "followUpDoctor")
        self.service = QComboBox()
        self.service.setObjectName("followUpService")
        self.service.setAccessibleName("Service")
        self.day = QDateEdit()
        self.day.setObjectName("followUpDate")
        self.day.setAccessibleName("Day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.notes = QLineEdit()
        self.notes.setObjectName("followUpNotes")
        self.notes.setAccessibleName("Notes for reception")
        self.notes.setPlaceholderText("e.g. fasting blood test before")
        form.addRow("Patient", self.patient)
        form.addRow("Doctor", self.doctor)
        form.addRow("Service", self.service)
        form.addRow("Day", self.day)
        form.addRow("Notes", self.notes)
        col.addLayout(form)
        col.addWidget(label("Free times (clinic time)", "sectionTitle"))
        self.slots = QListWidget()
        self.slots.setObjectName("followUpSlots")
        self.slots.setAccessibleName("Free times")
        self.slots.setFlow(QListWidget.Flow.LeftToRight)
        self.slots.setWrapping(True)
        self.slots.setSpacing(4)
        col.addWidget(self.slots, 1)
        self.message = label("", "followUpMessage", wrap=True)
        self.message.hide()
        col.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.book = QPushButton("Book")
        self.book.setObjectName("followUpBook")
        self.book.setAccessibleName("Book the follow-up at the selected time")
        self.book.setProperty("primary", True)
        self.book.setEnabled(False)
        self.cancel = QPushButton("Close")
        self.cancel.setObjectName("followUpClose")
        self.cancel.setAccessibleName("Close without booking")
        buttons.addWidget(self.book)
        buttons.addWidget(self.cancel)
        col.addLayout(buttons)

        self.cancel.clicked.connect(self.reject)
        self.book.clicked.connect(self._book)
        self.slots.itemActivated.connect(lambda *_: self._book())
        self.slots.currentItemChanged.connect(lambda current, _: self.book.setEnabled(current is not None))
        self.service.currentIndexChanged.connect(lambda _i: self.vm.choose(service_id=self.service.currentData()))
        self.day.dateChanged.connect(lambda d: self.vm.choose(day=d.toPython()))
        vm.services_changed.connect(self._services)
        vm.slots_changed.connect(self._slots)
        vm.booked.connect(self._booked)
        vm.refused.connect(lambda text: self._say(text, "error"))
        vm.error.connect(lambda text: self._say(text, "error"))

    def begin(self, patient_id: int, patient_name: str, service_id: int | None) -> None:
        self.patient.setText(patient_name)
        self.heading.setText(f"Book a follow-up for {patient_name}")
        self.notes.clear()
        self.message.hide()
        day = fmt.today() + timedelta(weeks=DEFAULT_WEEKS)
        self.day.blockSignals(True)
        self.day.setMinimumDate(_qdate(fmt.today()))
        self.day.setDate(_qdate(day))
        self.day.blockSignals(False)
        self.slots.clear()
        self.vm.start(patient_id, service_id, day)
        self.open()

    def _services(self, services: list[ServiceOut]) -> None:
        self.service.blockSignals(True)
        self.service.clear()
        for s in services:
            self.service.addItem(f"{s.name} ({s.duration_minutes} min)", s.id)
        self.service.setCurrentIndex(max(0, self.service.findData(self.vm.service_id)))
        self.service.blockSignals(False)

    def _slots(self, slots: list) -> None:  # noqa: ANN001 (list[datetime])
        self.slots.clear()
        for start in slots:
            item = QListWidgetItem(fmt.time(start))
            item.setData(Qt.ItemDataRole.UserRole, start)
            self.slots.addItem(item)
        if not slots:
            self._say("No free time that day; try another day.", "info")
        else:
            self.message.hide()
        self.book.setEnabled(False)

    def _book(self) -> None:
        item = self.slots.currentItem()
        if item is not None:
            self.vm.book(item.data(Qt.ItemDataRole.UserRole), self.notes.text().strip())

    def _booked(self, appt: AppointmentOut) -> None:
        self._say(f"Booked: {fmt.weekday(appt.start_time)} {fmt.time(appt.start_time)}. Reception can see it.", "info")
        self.accept()

    def _say(self, text: str, kind: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(MESSAGE_STYLES.get(kind, MESSAGE_STYLES["info"]))
        self.message.show()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
