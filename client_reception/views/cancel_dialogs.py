"""The destructive actions of the desk, each confirmed in a dialog bound to its target: cancel a visit (from the
board), cancel an appointment with a reason, mark an appointment a no-show (from the check-in screen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from client_reception.viewmodels.board import BoardCard, BoardViewModel
from client_reception.viewmodels.checkin import CheckInViewModel
from client_reception.views.forms import FormDialog
from common.qt.formatting import format_time
from common.schemas import AppointmentOut

WARNING_STYLE = "color: #7a1c1c; font-weight: bold;"


def _question(dialog: FormDialog, text: str, name: str) -> QLabel:
    label = QLabel(text, dialog)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    dialog.form.addRow(label)
    return label


class CancelVisitDialog(FormDialog):
    def __init__(self, vm: BoardViewModel, card: BoardCard, parent: QWidget | None = None) -> None:
        super().__init__("Cancel visit", parent, ok_text="Cancel visit")
        self.setObjectName("cancel_visit_dialog")
        self.cancel_button.setText("Keep it")
        self.vm = vm
        self.visit_id = card.id  # bound to this visit, whatever is selected meanwhile
        e = card.entry
        self.question = _question(
            self, f"Cancel visit #{e.queue_number} of {e.patient.full_name} with {e.doctor.full_name}?", "cancel_what"
        )
        self.also_appointment = QCheckBox("Also cancel the appointment it came from", self)
        self.also_appointment.setObjectName("cancel_also_appointment")
        self.also_appointment.setVisible(e.appointment_id is not None)
        self.form.addRow(self.also_appointment)

    async def submit(self) -> Any:
        return await self.vm.cancel_visit(self.visit_id, cancel_appointment=self.also_appointment.isChecked())


class CancelAppointmentDialog(FormDialog):
    def __init__(self, vm: CheckInViewModel, appointment: AppointmentOut, parent: QWidget | None = None) -> None:
        super().__init__("Cancel appointment", parent, ok_text="Cancel appointment")
        self.setObjectName("cancel_appointment_dialog")
        self.cancel_button.setText("Keep it")
        self.vm = vm
        self.appointment = appointment
        a = appointment
        _question(
            self,
            f"Cancel {a.patient.full_name}'s {format_time(a.start_time)} appointment with {a.doctor.full_name}?",
            "cancel_what",
        )
        self.reason = self.add_field("reason", "Reason", QLineEdit(self))
        self.reason.setPlaceholderText("e.g. called to cancel, feeling better")

    def validate(self) -> tuple[str, str] | None:
        if not self.reason.text().strip():
            return "reason", "Please give a reason: it is kept with the appointment."
        return None

    async def submit(self) -> Any:
        return await self.vm.cancel_appointment(self.appointment, self.reason.text())


class NoShowDialog(FormDialog):
    def __init__(self, vm: CheckInViewModel, appointment: AppointmentOut, parent: QWidget | None = None) -> None:
        super().__init__("No-show", parent, ok_text="Mark as no-show")
        self.setObjectName("no_show_dialog")
        self.cancel_button.setText("Keep it")
        self.vm = vm
        self.appointment = appointment
        a = appointment
        _question(
            self,
            f"{a.patient.full_name} did not come to the {format_time(a.start_time)} appointment with "
            f"{a.doctor.full_name}? It leaves today's list.",
            "no_show_what",
        )

    async def submit(self) -> Any:
        return await self.vm.mark_no_show(self.appointment)
