"""The queue board: three columns (Waiting / With Doctor / Completed) of painted cards with a live wait timer,
buttons and drag-and-drop to move a card between Waiting and With Doctor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from client_reception.viewmodels.board import BoardCard, BoardViewModel, card_at, payment_block
from client_reception.views.board_actions import PRIORITY_LABEL, BoardActions
from client_reception.views.board_card import elapsed_text, is_overdue, live_wait_seconds
from client_reception.views.board_column import MIME, BoardColumn
from client_reception.views.call_dialog import CallDialog
from client_reception.views.cancel_dialogs import CancelVisitDialog
from client_reception.views.notice_bar import NoticeBar
from client_reception.views.timeline import TimelineDialog
from common.enums import Phase, Priority, VisitStatus
from common.qt.flow_layout import flow_widget, labelled

__all__ = ["MIME", "BoardView", "elapsed_text", "is_overdue", "live_wait_seconds"]


class BoardView(QWidget):
    """The landing screen. Thin: it forwards clicks and drops to the BoardViewModel."""

    TICK_MS = 1000
    UNDO_MS = 5000  # how long a send can be undone from the bar
    payment_requested = Signal(int)  # visit id: the desk wants to take a payment for it

    def __init__(self, vm: BoardViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("board_view")
        root = QVBoxLayout(self)

        heading = QLabel("Queue board", self)
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.day_label = QLabel(self)
        self.day_label.setObjectName("board_day")
        self.doctor_filter = QComboBox(self)
        self.doctor_filter.setObjectName("board_doctor_filter")
        self.doctor_filter.setMinimumContentsLength(14)
        self.doctor_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.doctor_filter.addItem("All doctors", None)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("board_refresh")
        # one line when there is room, two when the window is narrow
        root.addWidget(
            flow_widget(
                self, heading, self.day_label, labelled(self, "Doctor:", self.doctor_filter), self.refresh_button
            )
        )

        # After every send: "Sent … [Undo]" for a few seconds; a send beyond the doctor's limit asks here.
        self.undo_bar = NoticeBar("board_undo_bar", "undo", self)
        self.undo_button = self.undo_bar.add_button("Undo", "board_undo", self._undo)
        root.addWidget(self.undo_bar)
        self.confirm_bar = NoticeBar("board_confirm_bar", "confirm", self)
        self.confirm_send_button = self.confirm_bar.add_button("Send anyway", "board_send_anyway", self._send_anyway)
        self.confirm_bar.add_button("Don't send", "board_dont_send", lambda: None)
        root.addWidget(self.confirm_bar)

        columns = QHBoxLayout()
        threshold = lambda: vm.model.overdue_minutes  # noqa: E731
        self.columns = {phase: BoardColumn(phase, vm.columns[phase], threshold, self) for phase in Phase}
        for column in self.columns.values():
            columns.addWidget(column, 1)
        root.addLayout(columns, 1)

        completed = self.columns[Phase.COMPLETED]
        completed.hint.setObjectName("board_completed_hint")
        completed.hint.setToolTip("A card moves here from the doctor's screen when the consultation ends.")

        # What can be done with the selected card: one bar under the columns, wrapping when narrow.
        self.actions_bar = BoardActions(self)
        bar = self.actions_bar
        self.action_bar = bar.bar  # not `actions`: that would hide QWidget.actions()
        self.selection_label, self.priority_actions = bar.selection_label, bar.priority_actions
        self.call_button, self.send_button, self.back_button = bar.call_button, bar.send_button, bar.back_button
        self.pay_button, self.timeline_button = bar.pay_button, bar.timeline_button
        self.cancel_visit_button, self.priority_button = bar.cancel_visit_button, bar.priority_button
        bar.priority_chosen.connect(self.set_selected_priority)
        root.addWidget(bar)

        # wiring
        self.selected_id: int | None = None  # the one selected card, whichever column it is in
        self.menu: QMenu | None = None  # the last context menu (tests)
        self.dialog: CallDialog | CancelVisitDialog | None = None
        self.timeline: TimelineDialog | None = None
        self.send_button.clicked.connect(self.send_selected)
        self.call_button.clicked.connect(self.call_selected)
        self.cancel_visit_button.clicked.connect(self.cancel_selected)
        self.timeline_button.clicked.connect(self.open_timeline)
        self.back_button.clicked.connect(self.back_selected)
        self.refresh_button.clicked.connect(vm.refresh)
        self.pay_button.clicked.connect(self._request_payment)
        self.doctor_filter.currentIndexChanged.connect(self._doctor_chosen)
        for phase, column in self.columns.items():
            column.list.visit_dropped.connect(lambda visit_id, p=phase: vm.move(visit_id, p))
            column.list.doubleClicked.connect(lambda index, p=phase: self._double_clicked(index, p))
            column.list.selectionModel().selectionChanged.connect(lambda *_, p=phase: self._selection_changed(p))
            column.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            column.list.customContextMenuRequested.connect(lambda pos, c=column: self._context_menu(c, pos))
        vm.model.modelReset.connect(self._update_buttons)
        vm.model.dataChanged.connect(self._update_buttons)
        vm.loaded.connect(self._loaded)
        vm.syncing.connect(self._model_syncing)
        vm.sent.connect(self._sent)
        vm.confirm_needed.connect(self._confirm_needed)
        vm.doctors_changed.connect(self._fill_doctors)
        vm.busy_changed.connect(lambda busy: self.refresh_button.setEnabled(not busy))
        self._update_buttons()

        # The wait timers tick locally: repaint the moving columns, no refetch and no model change.
        self.ticker = QTimer(self)
        self.ticker.setInterval(self.TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()

    def tick(self) -> None:
        self.vm.follow_day(self.vm.day)  # past the clinic's midnight: the new day's board
        for phase in (Phase.WAITING, Phase.WITH_DOCTOR):
            self.columns[phase].list.viewport().update()

    # --- the selected card ------------------------------------------------------------------------------------

    def selected_card(self) -> BoardCard | None:
        return self.vm.model.card(self.selected_id) if self.selected_id is not None else None

    def _selection_changed(self, phase: Phase) -> None:
        if self._syncing:
            return
        visit_id = self.columns[phase].list.selected_visit_id()
        if visit_id is not None:
            self.selected_id = visit_id
            for other, column in self.columns.items():  # one selected card on the whole board
                if other != phase and column.list.selected_visit_id() is not None:
                    self._syncing = True
                    column.list.clearSelection()
                    self._syncing = False
        elif not any(c.list.selected_visit_id() for c in self.columns.values()):
            card = self.selected_card()
            if card is None or card.phase == phase:  # cleared by the user, not by the card moving away
                self.selected_id = None
        self._update_buttons()

    def _model_syncing(self, syncing: bool) -> None:
        """While a refetch is applied, a list may select a neighbour of a card that left it: not the user's
        choice, so it is ignored; afterwards the selection is put back on the selected card, wherever it is."""
        self._syncing = syncing
        if not syncing:
            self._follow_selection()

    def _follow_selection(self) -> None:
        """After a refetch the selected card may sit in another column (sent, called back): select it there."""
        card = self.selected_card()
        if card is None:
            self.selected_id = None
        self._syncing = True
        try:
            for phase, column in self.columns.items():
                shown = column.list.selected_visit_id()
                if card is not None and phase == card.phase:
                    if shown != card.id:
                        self._select_in(column, card.id)
                elif shown is not None:
                    column.list.clearSelection()
        finally:
            self._syncing = False
        self._update_buttons()

    def _select_in(self, column: BoardColumn, visit_id: int) -> bool:
        proxy = column.proxy
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            if (card := card_at(index)) is not None and card.id == visit_id:
                column.list.setCurrentIndex(index)
                return True
        return False

    _syncing = False

    def send_selected(self) -> None:
        card = self.selected_card()
        if card is not None and card.phase == Phase.WAITING:
            self.vm.move(card.id, Phase.WITH_DOCTOR)

    def back_selected(self) -> None:
        card = self.selected_card()
        if card is not None and card.phase == Phase.WITH_DOCTOR:
            self.vm.move(card.id, Phase.WAITING)

    # --- sends: Undo, and a confirmation beyond the doctor's limit ----------------------------------------------

    def _sent(self, visit_id: int, text: str) -> None:
        self.confirm_bar.dismiss()
        self.undo_bar.show_for(visit_id, text, self.UNDO_MS)

    def _undo(self) -> None:
        if self.undo_bar.visit_id is not None:
            self.vm.undo_send(self.undo_bar.visit_id)

    def _confirm_needed(self, visit_id: int, reason: str) -> None:
        card = self.vm.model.card(visit_id)
        who = f"#{card.entry.queue_number} {card.entry.patient.full_name}: " if card else ""
        self.confirm_bar.show_for(visit_id, f"{who}{reason}. Send anyway?")

    def _send_anyway(self) -> None:
        if self.confirm_bar.visit_id is not None:
            self.vm.move(self.confirm_bar.visit_id, Phase.WITH_DOCTOR, confirm=True)

    def call_selected(self) -> CallDialog | None:
        card = self.selected_card()
        if card is None or card.phase != Phase.WAITING or card.entry.status != VisitStatus.WAITING:
            return None
        dialog = CallDialog(self.vm, card, self)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def cancel_selected(self) -> CancelVisitDialog | None:
        card = self.selected_card()
        if card is None or card.phase != Phase.WAITING:
            return None
        dialog = CancelVisitDialog(self.vm, card, self)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_timeline(self) -> TimelineDialog | None:
        card = self.selected_card()
        if card is None:
            return None
        vm = self.vm.timeline(card.id)
        dialog = TimelineDialog(vm, card, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.timeline = dialog
        dialog.show()
        vm.refresh()
        return dialog

    def set_selected_priority(self, priority: Priority) -> None:
        card = self.selected_card()
        if card is not None and card.phase == Phase.WAITING:
            self.vm.set_priority(card.id, priority)

    # --- the card's context menu ------------------------------------------------------------------------------

    def card_menu(self, visit_id: int) -> QMenu | None:
        """What can be done with one card (the same as the bar under the columns), for a right-click."""
        if not self.select_visit(visit_id):
            return None
        card = self.selected_card()
        assert card is not None
        menu = QMenu(self)
        menu.setObjectName("board_card_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction("Timeline…", self.open_timeline)
        menu.addSeparator()
        if card.phase == Phase.WAITING:
            call = menu.addAction("Call…", self.call_selected)
            call.setEnabled(card.entry.status == VisitStatus.WAITING)
            menu.addAction("Send to doctor", self.send_selected)
            sub = menu.addMenu("Priority")
            for priority in Priority:
                action = sub.addAction(PRIORITY_LABEL[priority])
                action.setCheckable(True)
                action.setChecked(card.entry.priority == priority)
                action.triggered.connect(lambda _=False, p=priority: self.set_selected_priority(p))
            menu.addSeparator()
            menu.addAction("Cancel visit…", self.cancel_selected)
        elif card.phase == Phase.WITH_DOCTOR:
            menu.addAction("Back to waiting", self.back_selected)
        else:
            pay = menu.addAction("Take payment…", self._request_payment)
            block = payment_block(card.entry)
            pay.setEnabled(block is None)
            if block:
                pay.setToolTip(block)
                menu.setToolTipsVisible(True)
        self.menu = menu
        return menu

    def _context_menu(self, column: BoardColumn, pos: QPoint) -> None:
        card = card_at(column.list.indexAt(pos))
        if card is not None and (menu := self.card_menu(card.id)) is not None:
            menu.popup(column.list.viewport().mapToGlobal(pos))

    def _double_clicked(self, index: QModelIndex, phase: Phase) -> None:
        card = card_at(index)
        if card is None:
            return
        visit_id = card.id
        if phase == Phase.WAITING:
            self.vm.move(visit_id, Phase.WITH_DOCTOR)
        elif phase == Phase.COMPLETED and payment_block(card.entry) is None:
            self.payment_requested.emit(visit_id)

    def _request_payment(self) -> None:
        card = self.selected_card()
        if card is not None and card.phase == Phase.COMPLETED and payment_block(card.entry) is None:
            self.payment_requested.emit(card.id)

    def _update_buttons(self, *_: object) -> None:
        self.actions_bar.show_card(self.selected_card())

    def _loaded(self) -> None:
        if self.vm.board is not None:
            self.day_label.setText(f"— {self.vm.board.date:%A %d %B %Y}")

    def _fill_doctors(self) -> None:
        current = self.doctor_filter.currentData()
        self.doctor_filter.blockSignals(True)
        self.doctor_filter.clear()
        self.doctor_filter.addItem("All doctors", None)
        for doctor in self.vm.doctors:
            label = f"{doctor.full_name} ({doctor.specialty})" if doctor.specialty else doctor.full_name
            self.doctor_filter.addItem(label, doctor.id)
        found = self.doctor_filter.findData(current)
        self.doctor_filter.setCurrentIndex(max(found, 0))
        self.doctor_filter.blockSignals(False)

    def _doctor_chosen(self, _: int) -> None:
        self.vm.set_doctor(self.doctor_filter.currentData())

    def select_visit(self, visit_id: int) -> bool:
        """Select a card by visit id (tests and keyboard use)."""
        return any(self._select_in(column, visit_id) for column in self.columns.values())

    def shutdown(self) -> None:
        self.ticker.stop()
