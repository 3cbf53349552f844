"""The consultation page: patient panel, this doctor's previous visits, current visit, editors, Complete."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.printing import PRESCRIPTION, SUMMARY, Letterhead, prescription_html, summary_html
from client_doctor.viewmodels.consultation import LOCAL, REFUSED, SAVED, ConsultationData, ConsultationViewModel
from client_doctor.views.patient_panel import PatientPanel
from client_doctor.views.print_panel import PrintPanel
from client_doctor.views.style import MESSAGE_STYLES
from client_doctor.views.widgets import label
from common.enums import VisitStatus
from common.qt.fit_columns import FitColumns
from common.qt.flow_layout import flow_widget
from common.qt.paged_model import PagedTableModel
from common.qt.table_model import Column
from common.schemas import HistoryVisit, VisitOut

DRAFT_SAVE_MS = 600  # after typing stops, the draft goes to the server
DRAFT_TEXTS = {
    SAVED: "Draft saved",
    LOCAL: "Server unreachable: draft kept on this computer",
    REFUSED: "Not saved on the server: kept on this computer",
}

HISTORY_COLUMNS: list[Column[HistoryVisit]] = [
    Column("Date", lambda h: fmt.day(h.check_in_time)),
    Column("Service", lambda h: h.service.name),
    Column("Notes", lambda h: h.notes or "—"),
    Column("Prescription", lambda h: h.prescription or "—"),
    Column("Payment", lambda h: fmt.title(h.payment_status) if h.payment_status else "Not billed"),
]


class ConsultationView(QWidget):
    back_requested = Signal()
    open_record = Signal(int)  # a previous visit's id: show its full record
    follow_up_requested = Signal(int, str, int)  # patient id, name, the visit's service id

    def __init__(self, vm: ConsultationViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("consultationView")
        # Takes focus itself when a visit is opened, so typing never lands in an editor by surprise.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._restoring = False
        self._dirty = False
        self.bound_visit_id: int | None = None  # the visit every keystroke in the editors belongs to
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(10)

        top = QHBoxLayout()
        self.back = QPushButton("← Back")
        self.back.setObjectName("backButton")
        self.back.setToolTip("Back to Today's Work (Esc or Alt+Left)")
        self.back.setAccessibleName("Back to Today's Work")
        self.back.clicked.connect(self.back_requested.emit)
        top.addWidget(self.back)
        self.title = label("Consultation", "pageTitle", elide=True)
        top.addWidget(self.title, 1)
        self.status = label("", "cardBadge")
        self.status.setObjectName("visitStatus")
        top.addWidget(self.status)
        root.addLayout(top)

        self.message = label("", "consultationMessage", wrap=True)
        self.message.hide()
        root.addWidget(self.message)
        self.letterhead: Letterhead | None = None  # set by the window (clinic and doctor)
        self.print_panel = PrintPanel(self._document)
        root.addWidget(self.print_panel)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        root.addWidget(splitter, 1)

        # --- left: the patient and the current visit -----------------------------------------------------------
        self.panel = PatientPanel()
        splitter.addWidget(self.panel)
        p = self.panel  # the labels tests and the page read
        self.patient_name, self.allergies, self.phone, self.age = p.patient_name, p.allergies, p.phone, p.age
        self.gender, self.history_text, self.service = p.gender, p.history_text, p.service

        # --- right: editors, Complete, previous visits ---------------------------------------------------------
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        rl.addWidget(label("Notes", "sectionTitle"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notesEdit")
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)  # Tab leaves the editor: the page is usable without a mouse
        self.notes.setPlaceholderText("Findings, diagnosis…")
        rl.addWidget(self.notes, 2)
        rl.addWidget(label("Prescription", "sectionTitle"))
        self.prescription = QPlainTextEdit()
        self.prescription.setObjectName("prescriptionEdit")
        self.prescription.setAccessibleName("Prescription")
        self.prescription.setTabChangesFocus(True)
        self.prescription.setPlaceholderText("Medication, dose, duration…")
        rl.addWidget(self.prescription, 1)

        self.draft_state = label("", "statNote", wrap=True)
        self.draft_state.setObjectName("draftState")
        rl.addWidget(self.draft_state)
        self.print_rx = QPushButton("Print prescription…")
        self.print_rx.setObjectName("printPrescription")
        self.print_rx.setAccessibleName("Print or save the prescription as PDF")
        self.print_rx.clicked.connect(lambda: self.print_panel.start(PRESCRIPTION))
        self.print_summary = QPushButton("Print summary…")
        self.print_summary.setObjectName("printSummary")
        self.print_summary.setAccessibleName("Print or save the visit summary as PDF")
        self.print_summary.clicked.connect(lambda: self.print_panel.start(SUMMARY))
        self.follow_up = QPushButton("Book follow-up…")
        self.follow_up.setObjectName("bookFollowUp")
        self.follow_up.setAccessibleName("Book a follow-up appointment for this patient")
        self.follow_up.clicked.connect(self._ask_follow_up)
        self.complete = QPushButton("Complete consultation")
        self.complete.setObjectName("completeButton")
        self.complete.setProperty("primary", True)
        self.complete.setToolTip("Complete the consultation (Ctrl+Enter)")
        self.complete.setAccessibleName("Complete the consultation")
        self.complete.clicked.connect(self.ask_complete)
        self.action_bar = flow_widget(
            right, self.complete, self.follow_up, self.print_rx, self.print_summary, name="consultationActions"
        )
        rl.addWidget(self.action_bar)

        # A non-blocking confirmation: an inline bar instead of a modal dialog.
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("confirmBar")
        cb = QHBoxLayout(self.confirm_bar)
        cb.addWidget(label("Complete this consultation? The notes and prescription will be saved.", wrap=True), 1)
        self.confirm_yes = QPushButton("Complete")
        self.confirm_yes.setObjectName("confirmCompleteButton")
        self.confirm_yes.setProperty("danger", True)
        self.confirm_yes.clicked.connect(self.confirm_complete)
        self.confirm_no = QPushButton("Cancel")
        self.confirm_no.setObjectName("cancelCompleteButton")
        self.confirm_no.clicked.connect(self.cancel_confirm)
        for button in (self.confirm_yes, self.confirm_no):  # Enter presses the focused one, as in a dialog
            button.setAutoDefault(True)
        cb.addWidget(self.confirm_yes)
        cb.addWidget(self.confirm_no)
        self.confirm_bar.hide()
        rl.addWidget(self.confirm_bar)

        self.history_title = label("Previous visits with you", "sectionTitle")
        rl.addWidget(self.history_title)
        self.history_model: PagedTableModel[HistoryVisit] = PagedTableModel(HISTORY_COLUMNS, self)
        self.history_table = QTableView()
        self.history_table.setObjectName("historyTable")
        self.history_table.setModel(self.history_model)
        self.history_table.verticalHeader().hide()
        self.history_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        FitColumns(self.history_table, text_columns=(2, 3))  # notes and prescription wrap; nothing scrolls sideways
        self.history_table.setAccessibleName("Previous visits with you")
        self.history_table.setTabKeyNavigation(False)
        self.history_table.activated.connect(self._open_history_row)  # Enter or double-click
        self.open_history = QPushButton("Open visit record")
        self.open_history.setObjectName("openHistoryRecord")
        self.open_history.setAccessibleName("Open the selected previous visit's record")
        self.open_history.setToolTip("Open the selected previous visit (Enter or double-click)")
        self.open_history.clicked.connect(
            lambda: self._open_history_row(self.history_table.selectionModel().currentIndex())
        )
        history_row = QHBoxLayout()
        history_row.addStretch(1)
        history_row.addWidget(self.open_history)
        rl.addWidget(self.history_table, 2)
        rl.addLayout(history_row)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 620])

        # Drafts are written shortly after typing stops, so a crash loses at most a fraction of a second.
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        self.notes.textChanged.connect(self._text_changed)
        self.prescription.textChanged.connect(self._text_changed)

        vm.loaded.connect(self.show_data)
        vm.refused.connect(lambda text: self.show_message(text, "error"))
        vm.completed.connect(self._completed)
        vm.busy_changed.connect(self._busy)
        vm.draft_saved.connect(self._draft_saved)

    def _document(self, kind: str) -> tuple[str, str] | None:
        """What the editors hold now (typed, maybe not saved yet) on the open visit."""
        data = self.vm.data
        if data is None or self.letterhead is None or data.visit.id != self.bound_visit_id:
            return None
        texts = {"notes": self.notes.toPlainText(), "prescription": self.prescription.toPlainText()}
        visit = data.visit.model_copy(update=texts)
        stem = f"{kind}-{visit.patient_detail.full_name}-{fmt.day(visit.check_in_time)}".replace(" ", "-")
        if kind == PRESCRIPTION:
            return prescription_html(self.letterhead, visit), stem
        return summary_html(self.letterhead, visit), stem

    def _ask_follow_up(self) -> None:
        data = self.vm.data
        if data is not None and data.visit.id == self.bound_visit_id:
            visit = data.visit
            self.follow_up_requested.emit(visit.patient_id, visit.patient_detail.full_name, visit.service_id)

    def _open_history_row(self, index) -> None:  # noqa: ANN001 (QModelIndex)
        visit = self.history_model.row_at(index.row()) if index.isValid() else None
        if visit is not None:
            self.open_record.emit(visit.id)

    # --- showing ----------------------------------------------------------------------------------------------

    def begin(self, visit_id: int) -> None:
        """Open a visit: flush the text typed for the previous one (to ITS visit), bind the editors to this one,
        and keep them read-only until the server says what the visit holds."""
        self.save_draft()
        self.show_message("", "info")
        self.confirm_bar.hide()
        self.title.setText("Consultation — loading…")
        self.status.setText("")
        self.history_model.reset([], 0)
        self.print_panel.hide()
        self._bind(visit_id)
        self.vm.open(visit_id)
        self._update_complete()

    def _bind(self, visit_id: int | None) -> None:
        self.bound_visit_id = visit_id
        for editor in (self.notes, self.prescription):
            editor.setProperty("visit_id", visit_id)
            editor.setReadOnly(True)
        self._set_editors("", "")
        self._dirty = False
        self.draft_state.setText("")

    def unbind(self) -> None:
        """Leaving the consultation: what was typed goes to its visit, and the editors belong to nobody."""
        self.save_draft()
        self._bind(None)

    def show_data(self, data: ConsultationData) -> None:
        visit = data.visit
        if visit.id != self.bound_visit_id:  # an answer for a visit this page no longer shows
            return
        self.title.setText(f"Consultation — {visit.patient_detail.full_name}")
        self.status.setText(fmt.title(visit.status))
        self.panel.show_visit(visit)
        self.history_title.setText(f"Previous visits with you ({data.history_total})")
        self.history_model.reset(data.history, len(data.history))
        self.history_table.resizeRowsToContents()
        editable = visit.status == VisitStatus.IN_PROGRESS
        if not editable:
            # Completed (or no longer with the doctor): the record is what the server saved, read-only. Text not
            # yet saved goes to this visit's fallback first, never lost and never elsewhere.
            self.save_draft()
            self._set_editors(visit.notes or "", visit.prescription or "")
        elif self.notes.isReadOnly():  # first answer since the editors were bound: fill them once
            local = self.vm.local_draft(visit.id)
            if local is not None:  # typed while the server was unreachable: it is newer than the server's
                self._set_editors(local.notes, local.prescription)
                self.draft_state.setText("Draft restored from this computer")
                self._dirty = True
                self._draft_timer.start()  # and send it up
            else:
                self._set_editors(visit.notes or "", visit.prescription or "")
        self.notes.setReadOnly(not editable)
        self.prescription.setReadOnly(not editable)
        self._update_complete()

    def show_message(self, text: str, kind: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.setStyleSheet(MESSAGE_STYLES.get(kind, MESSAGE_STYLES["info"]))
        self.message.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        self._update_complete(busy=busy)

    def _update_complete(self, busy: bool = False) -> None:
        self.complete.setEnabled(self.vm.can_complete and not busy)

    def _completed(self, _visit: VisitOut) -> None:
        self._draft_timer.stop()
        self._bind(None)

    def _draft_saved(self, visit_id: int, how: str) -> None:
        if visit_id == self.bound_visit_id and not self._dirty:
            self.draft_state.setText(DRAFT_TEXTS[how])

    # --- drafts -----------------------------------------------------------------------------------------------

    def _set_editors(self, notes: str, prescription: str) -> None:
        self._restoring = True
        try:
            self.notes.setPlainText(notes)
            self.prescription.setPlainText(prescription)
        finally:
            self._restoring = False

    def _text_changed(self) -> None:
        if not self._restoring and self.bound_visit_id is not None:
            self._dirty = True
            self.draft_state.setText("Saving…")
            self._draft_timer.start()

    def save_draft(self) -> None:
        """Send what the editors hold to the visit they are bound to (nothing if unchanged or read-only)."""
        self._draft_timer.stop()
        visit_id = self.bound_visit_id
        if visit_id is None or not self._dirty or self.notes.isReadOnly():
            return
        self._dirty = False
        self.vm.save_draft(visit_id, self.notes.toPlainText(), self.prescription.toPlainText())

    def shutdown(self) -> None:
        """The app closes: unsaved text stays on this computer, for its own visit."""
        self._draft_timer.stop()
        if self.bound_visit_id is not None and self._dirty and not self.notes.isReadOnly():
            self._dirty = False
            self.vm.keep_locally(self.bound_visit_id, self.notes.toPlainText(), self.prescription.toPlainText())

    # --- completing -------------------------------------------------------------------------------------------

    def ask_complete(self) -> None:
        if not self.vm.can_complete:
            return
        self._draft_timer.stop()  # completing saves the text anyway; Cancel sends the draft
        self.confirm_bar.show()
        self.confirm_yes.setFocus()

    def cancel_confirm(self) -> None:
        self.confirm_bar.hide()
        if self._dirty:
            self._draft_timer.start()

    def confirm_complete(self) -> None:
        self.confirm_bar.hide()
        if self.bound_visit_id is not None:
            self._draft_timer.stop()
            self._dirty = False
            self.vm.complete(self.bound_visit_id, self.notes.toPlainText(), self.prescription.toPlainText())
