"""The left side of the consultation page: the patient (allergies first) and the current visit."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QFormLayout, QFrame, QVBoxLayout, QWidget

from client_doctor import fmt
from client_doctor.views.style import ALLERGY_STYLE, NO_ALLERGY_STYLE
from client_doctor.views.widgets import label
from common.schemas import VisitDetail, VisitOut

MIN_WIDTH = 250  # beside the editors at 800 px: the labels and a phone number still on one line


def card_frame(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 12)
    return frame, layout


class PatientPanel(QWidget):
    def __init__(self, parent: QWidget | None = None, *, visit_title: str = "Current visit") -> None:
        super().__init__(parent)
        self.setMinimumWidth(MIN_WIDTH)
        left_layout = QVBoxLayout(self)
        left_layout.setContentsMargins(0, 0, 8, 0)
        patient_card, pl = card_frame("patientPanel")
        self.patient_name = label("", "cardName", wrap=True)  # read in full: it wraps
        self.patient_name.setObjectName("patientName")
        pl.addWidget(self.patient_name)
        self.allergies = label("", "allergiesLabel", wrap=True)
        pl.addWidget(self.allergies)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.phone = label(name="patientPhone")
        self.age = label(name="patientAge")
        self.gender = label(name="patientGender")
        self.history_text = label(name="medicalHistory", wrap=True)
        form.addRow("Phone", self.phone)
        form.addRow("Age", self.age)
        form.addRow("Gender", self.gender)
        form.addRow("Medical history", self.history_text)
        pl.addLayout(form)
        left_layout.addWidget(patient_card)

        visit_card, vl = card_frame("currentVisit")
        vl.addWidget(label(visit_title, "sectionTitle"))
        vform = QFormLayout()
        vform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.service = label(name="visitService", wrap=True)
        self.appointment = label(name="visitAppointment", wrap=True)
        self.checkin = label(name="visitCheckin", wrap=True)
        self.wait = label(name="visitWait", wrap=True)
        vform.addRow("Service", self.service)
        vform.addRow("Appointment", self.appointment)
        vform.addRow("Checked in", self.checkin)
        vform.addRow("Waited", self.wait)
        vl.addLayout(vform)
        left_layout.addWidget(visit_card)
        left_layout.addStretch(1)

    def show_visit(self, visit: VisitDetail) -> None:
        patient = visit.patient_detail
        self.patient_name.setText(patient.full_name)
        self.phone.setText(patient.phone or "—")
        self.age.setText(fmt.age(patient.date_of_birth))
        self.gender.setText(patient.gender or "—")
        self.history_text.setText(patient.medical_history or "None recorded")
        has_allergies = bool(patient.allergies.strip())
        self.allergies.setText(f"⚠ Allergies: {patient.allergies}" if has_allergies else "No known allergies")
        self.allergies.setProperty("present", has_allergies)
        # A style of its own (not a dynamic-property rule) so the padding is part of the size from the start.
        self.allergies.setStyleSheet(ALLERGY_STYLE if has_allergies else NO_ALLERGY_STYLE)
        self.service.setText(visit.service.name)
        self.appointment.setText(fmt.date_time(visit.appointment.start_time) if visit.appointment else "Walk-in")
        self.checkin.setText(fmt.date_time(visit.check_in_time))
        self.wait.setText(fmt.wait(_wait_minutes(visit)))


def _wait_minutes(visit: VisitOut) -> int:
    return fmt.minutes_between(visit.check_in_time, visit.start_time or datetime.now(UTC))
