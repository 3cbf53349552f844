"""The bar under the board's columns: what can be done with the selected card (call, send, priority, back, take
payment, timeline, cancel), one line when there is room and wrapping when narrow. `show_card` enables what fits
the card and says why a payment cannot be taken; the board view connects the buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from client_reception.viewmodels.board import BoardCard, payment_block
from common.enums import Phase, Priority, VisitStatus
from common.qt.flow_layout import flow_widget

SELECTION_WIDTH = 240  # the selected card's name in the bar, elided beyond this
PRIORITY_LABEL = {
    Priority.NORMAL: "Normal",
    Priority.URGENT: "Urgent",
    Priority.EMERGENCY: "Emergency",
}


def _button(text: str, name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    return button


class BoardActions(QWidget):
    priority_chosen = Signal(object)  # Priority

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection_label = QLabel("Select a card", self)
        self.selection_label.setObjectName("board_selection")
        self.selection_label.setStyleSheet("font-weight: bold;")
        self.call_button = _button("Call…", "board_call", self)
        self.send_button = _button("Send to doctor  ▶", "board_send_to_doctor", self)
        self.back_button = _button("◀  Back to waiting", "board_back_to_waiting", self)
        self.pay_button = _button("Take payment…", "board_take_payment", self)
        self.timeline_button = _button("Timeline…", "board_timeline", self)
        self.timeline_button.setToolTip("Status changes, priority, calls and payments of this visit, with who and when")
        self.cancel_visit_button = _button("Cancel visit…", "board_cancel_visit", self)
        self.priority_button = _button("Priority", "board_priority", self)
        self.priority_menu = QMenu(self.priority_button)
        self.priority_menu.setObjectName("board_priority_menu")
        self.priority_actions: dict[Priority, QAction] = {}
        for priority in Priority:
            action = self.priority_menu.addAction(PRIORITY_LABEL[priority])
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, p=priority: self.priority_chosen.emit(p))
            self.priority_actions[priority] = action
        self.priority_button.setMenu(self.priority_menu)
        self.bar = flow_widget(
            self,
            self.selection_label,
            self.call_button,
            self.send_button,
            self.priority_button,
            self.back_button,
            self.pay_button,
            self.timeline_button,
            self.cancel_visit_button,
            name="board_actions",
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        self.show_card(None)

    def show_card(self, card: BoardCard | None) -> None:
        phase = card.phase if card is not None else None
        self.send_button.setEnabled(phase == Phase.WAITING)
        self.back_button.setEnabled(phase == Phase.WITH_DOCTOR)
        block = payment_block(card.entry) if card is not None and phase == Phase.COMPLETED else None
        self.pay_button.setEnabled(phase == Phase.COMPLETED and block is None)
        self.priority_button.setEnabled(phase == Phase.WAITING)
        self.cancel_visit_button.setEnabled(phase == Phase.WAITING)
        self.timeline_button.setEnabled(card is not None)
        called = card is not None and card.entry.status == VisitStatus.CALLED
        self.call_button.setEnabled(phase == Phase.WAITING and not called)
        self.call_button.setToolTip(
            f"Already called{f' to {card.entry.room}' if card.entry.room else ''}"
            if called and card
            else "Call the patient (the waiting-room screen shows the number)"
        )
        for priority, action in self.priority_actions.items():
            action.setChecked(card is not None and card.entry.priority == priority)
        self.pay_button.setToolTip(
            block or ("Take the payment for this visit" if phase == Phase.COMPLETED else "Select a completed card")
        )
        if card is None:
            self.selection_label.setText("Select a card")
            self.selection_label.setToolTip("")
        else:
            full = f"#{card.entry.queue_number} {card.entry.patient.full_name}"
            metrics = self.selection_label.fontMetrics()
            self.selection_label.setText(metrics.elidedText(full, Qt.TextElideMode.ElideRight, SELECTION_WIDTH))
            self.selection_label.setToolTip(full)
