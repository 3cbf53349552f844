"""Register or edit a patient, with local validation before the server is asked."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from client_reception.views.forms import FormDialog
from common.schemas import PatientCreate, PatientOut, PatientUpdate

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,40}$")
GENDERS = ["", "F", "M", "Other"]


class PatientDialog(FormDialog):
    """`save` receives a PatientCreate (new) or a PatientUpdate (edit) and returns the saved patient."""

    def __init__(
        self,
        save: Callable[[PatientCreate | PatientUpdate], Awaitable[PatientOut]],
        patient: PatientOut | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Edit patient" if patient else "Register patient", parent, ok_text="Save" if patient else "Register"
        )
        self.setObjectName("patient_dialog")
        self._save = save
        self.patient = patient
        self.name = self.add_field("full_name", "Full name *", QLineEdit(self))
        self.phone = self.add_field("phone", "Phone", QLineEdit(self))
        self.phone.setPlaceholderText("+1 555 0100")
        dob_row = QWidget(self)
        row = QHBoxLayout(dob_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.dob_known = QCheckBox("known", dob_row)
        self.dob_known.setObjectName("field_dob_known")
        self.dob = QDateEdit(dob_row)
        self.dob.setCalendarPopup(True)
        self.dob.setDisplayFormat("yyyy-MM-dd")
        self.dob.setMaximumDate(QDate.currentDate())
        self.dob.setDate(QDate(1980, 1, 1))
        self.dob.setEnabled(False)
        self.dob_known.toggled.connect(self.dob.setEnabled)
        row.addWidget(self.dob_known)
        row.addWidget(self.dob, 1)
        self.add_field("date_of_birth", "Date of birth", dob_row)
        self.dob.setObjectName("field_dob")
        self.gender = self.add_field("gender", "Gender", QComboBox(self))
        self.gender.addItems(GENDERS)
        self.history = self.add_field("medical_history", "Medical history", QPlainTextEdit(self))
        self.allergies = self.add_field("allergies", "Allergies", QLineEdit(self))
        self.history.setFixedHeight(70)
        if patient is not None:
            self.name.setText(patient.full_name)
            self.phone.setText(patient.phone)
            if patient.date_of_birth:
                self.dob_known.setChecked(True)
                self.dob.setDate(
                    QDate(patient.date_of_birth.year, patient.date_of_birth.month, patient.date_of_birth.day)
                )
            if patient.gender not in GENDERS:
                self.gender.addItem(patient.gender)
            self.gender.setCurrentText(patient.gender)
            self.history.setPlainText(patient.medical_history)
            self.allergies.setText(patient.allergies)

    def validate(self) -> tuple[str, str] | None:
        if not self.name.text().strip():
            return "full_name", "Please enter the patient's full name."
        phone = self.phone.text().strip()
        if phone and not PHONE_RE.match(phone):
            return "phone", "The phone number may contain digits, spaces, ( ) - and a leading +."
        return None

    def values(self) -> dict[str, object]:
        dob = self.dob.date().toPython() if self.dob_known.isChecked() else None
        return {
            "full_name": self.name.text().strip(),
            "phone": self.phone.text().strip(),
            "date_of_birth": dob,
            "gender": self.gender.currentText(),
            "medical_history": self.history.toPlainText().strip(),
            "allergies": self.allergies.text().strip(),
        }

    async def submit(self) -> PatientOut:
        data = self.values()
        if self.patient is None:
            return await self._save(PatientCreate.model_validate(data))
        return await self._save(PatientUpdate.model_validate(data))
