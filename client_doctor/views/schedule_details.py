"""The Schedule's side panel: one appointment's details, the patient's visits with this doctor (each opens as a
visit record), and cancelling it with a reason (an inline bar, never a modal dialog)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.views.widgets import label
from common.enums import AppointmentStatus
from common.qt.paged_model import PagedTableModel
from common.qt.table_model import Column
from common.schemas import AppointmentOut, HistoryVisit

HISTORY_COLUMNS: list[Column[HistoryVisit]] = [
    Column("Date", lambda h: fmt.day(h.check_in_time)),
    Column("Service", lambda h: h.service.name),
    Column("Status", lambda h: fmt.title(h.status)),
]


def _button(text: str, name: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    return button


class AppointmentDetails(QFrame):
    open_record = Signal(int)  # visit id
    cancel_confirmed = Signal(int, str)  # appointment id, reason
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appointmentDetails")
        self.setProperty("card", True)
        self.setMinimumWidth(260)
        self.appointment: AppointmentOut | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.title = label("Appointment", "sectionTitle", elide=True)
        top.addWidget(self.title, 1)
        self.close_button = _button("✕", "detailsClose", "Close the appointment details")
        self.close_button.setToolTip("Close (Esc)")
        self.close_button.clicked.connect(self.closed.emit)
        top.addWidget(self.close_button)
        col.addLayout(top)
        self.patient = label(name="cardName", elide=True)
        col.addWidget(self.patient)
        form = QFormLayout()
        self.when = label(name="detailsWhen", wrap=True)
        self.service = label(name="detailsService", wrap=True)
        self.status = label(name="detailsStatus", wrap=True)
        self.phone = label(name="detailsPhone", wrap=True)
        self.notes = label(name="detailsNotes", wrap=True)
        self.reason = label(name="detailsCancelReason", wrap=True)
        for text, widget in (
            ("When", self.when),
            ("Service", self.service),
            ("Status", self.status),
            ("Phone", self.phone),
            ("Notes", self.notes),
            ("Cancel reason", self.reason),
        ):
            form.addRow(text, widget)
        col.addLayout(form)

        col.addWidget(label("Visits with you", "sectionTitle"))
        self.history_model: PagedTableModel[HistoryVisit] = PagedTableModel(HISTORY_COLUMNS, self)
        self.history = QTableView()
        self.history.setObjectName("detailsHistory")
        self.history.setAccessibleName("The patient's visits with you")
        self.history.setModel(self.history_model)
        self.history.verticalHeader().hide()
        self.history.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.history.setTabKeyNavigation(False)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.activated.connect(lambda index: self._open(index.row()))
        col.addWidget(self.history, 1)
        self.open_visit = _button("Open visit record", "detailsOpenRecord", "Open the selected visit's record")
        self.open_visit.setToolTip("The patient's record of the selected visit (Enter or double-click in the list)")
        self.open_visit.clicked.connect(lambda: self._open(self._current_row()))
        col.addWidget(self.open_visit)

        self.cancel = _button("Cancel appointment…", "detailsCancel", "Cancel this appointment")
        self.cancel.setProperty("destructive", True)
        self.cancel.clicked.connect(self.ask_cancel)
        col.addWidget(self.cancel)
        self.cancel_bar = QFrame()
        self.cancel_bar.setObjectName("cancelBar")
        bar = QVBoxLayout(self.cancel_bar)
        bar.setContentsMargins(0, 4, 0, 0)
        bar.addWidget(label("Why is it cancelled? Reception sees the reason.", wrap=True))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("cancelReason")
        self.reason_edit.setAccessibleName("Reason for cancelling")
        self.reason_edit.setPlaceholderText("e.g. doctor away at a conference")
        self.reason_edit.textChanged.connect(lambda text: self.confirm.setEnabled(bool(text.strip())))
        self.reason_edit.returnPressed.connect(self._confirm)
        bar.addWidget(self.reason_edit)
        buttons = QHBoxLayout()
        self.confirm: QPushButton = _button(
            "Cancel appointment", "confirmCancelAppointment", "Confirm cancelling the appointment"
        )
        self.confirm.setProperty("destructive", True)
        self.confirm.setEnabled(False)
        self.confirm.clicked.connect(self._confirm)
        self.keep = _button("Keep it", "keepAppointment", "Keep the appointment")
        self.keep.clicked.connect(self.cancel_bar.hide)
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.keep)
        bar.addLayout(buttons)
        self.cancel_bar.hide()
        col.addWidget(self.cancel_bar)

    def show_appointment(self, appt: AppointmentOut | None, history: list[HistoryVisit]) -> None:
        same = appt is not None and self.appointment is not None and appt.id == self.appointment.id
        self.appointment = appt
        if appt is None:
            self.hide()
            return
        self.title.setText(f"Appointment #{appt.id}")
        self.patient.setText(appt.patient.full_name)
        self.when.setText(f"{fmt.weekday(appt.start_time)} {fmt.time(appt.start_time)}–{fmt.time(appt.end_time)}")
        self.service.setText(appt.service.name)
        self.status.setText(fmt.title(appt.status))
        self.phone.setText(appt.patient.phone or "—")
        self.notes.setText(appt.notes or "—")
        self.reason.setText(appt.cancel_reason or "—")
        self.history_model.reset(history, len(history))
        confirmed = appt.status == AppointmentStatus.CONFIRMED
        self.cancel.setEnabled(confirmed)
        if not same or not confirmed:
            self.cancel_bar.hide()
        self.open_visit.setEnabled(bool(history))
        self.show()

    def ask_cancel(self) -> None:
        if self.appointment is None or not self.cancel.isEnabled():
            return
        self.reason_edit.clear()
        self.cancel_bar.show()
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _confirm(self) -> None:
        reason = self.reason_edit.text().strip()
        if self.appointment is not None and reason:
            self.cancel_bar.hide()
            self.cancel_confirmed.emit(self.appointment.id, reason)

    def _current_row(self) -> int:
        current = self.history.selectionModel().currentIndex()
        return current.row() if current.isValid() else 0

    def _open(self, row: int) -> None:
        visit = self.history_model.row_at(row)
        if visit is not None:
            self.open_record.emit(visit.id)
