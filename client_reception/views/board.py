"""The queue board: three columns (Waiting / With Doctor / Completed) of painted cards with a live wait timer,
buttons and drag-and-drop to move a card between Waiting and With Doctor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from client_reception.viewmodels.board import BoardViewModel, card_at
from client_reception.views.board_card import elapsed_text, is_overdue, live_wait_seconds
from client_reception.views.board_column import MIME, BoardColumn
from common.enums import Phase

__all__ = ["MIME", "BoardView", "elapsed_text", "is_overdue", "live_wait_seconds"]


class BoardView(QWidget):
    """The landing screen. Thin: it forwards clicks and drops to the BoardViewModel."""

    TICK_MS = 1000
    payment_requested = Signal(int)  # visit id: the desk wants to take a payment for it

    def __init__(self, vm: BoardViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("board_view")
        root = QVBoxLayout(self)

        top = QHBoxLayout()
        heading = QLabel("Queue board", self)
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.day_label = QLabel(self)
        self.day_label.setObjectName("board_day")
        top.addWidget(heading)
        top.addWidget(self.day_label)
        top.addStretch(1)
        top.addWidget(QLabel("Doctor:", self))
        self.doctor_filter = QComboBox(self)
        self.doctor_filter.setObjectName("board_doctor_filter")
        self.doctor_filter.setMinimumWidth(200)
        self.doctor_filter.addItem("All doctors", None)
        top.addWidget(self.doctor_filter)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("board_refresh")
        top.addWidget(self.refresh_button)
        root.addLayout(top)

        columns = QHBoxLayout()
        threshold = lambda: vm.model.overdue_minutes  # noqa: E731
        self.columns = {phase: BoardColumn(phase, vm.columns[phase], threshold, self) for phase in Phase}
        for column in self.columns.values():
            columns.addWidget(column, 1)
        root.addLayout(columns, 1)

        self.send_button = QPushButton("Send to doctor  ▶", self)
        self.send_button.setObjectName("board_send_to_doctor")
        self.back_button = QPushButton("◀  Back to waiting", self)
        self.back_button.setObjectName("board_back_to_waiting")
        self.columns[Phase.WAITING].buttons.addWidget(self.send_button)
        self.columns[Phase.WITH_DOCTOR].buttons.addWidget(self.back_button)
        completed = self.columns[Phase.COMPLETED]
        completed.hint.setObjectName("board_completed_hint")
        completed.hint.setToolTip("A card moves here from the doctor's screen when the consultation ends.")
        self.pay_button = QPushButton("Take payment…", self)
        self.pay_button.setObjectName("board_take_payment")
        completed.buttons.addWidget(self.pay_button)

        # wiring
        self.send_button.clicked.connect(lambda: self._move_selected(Phase.WAITING, Phase.WITH_DOCTOR))
        self.back_button.clicked.connect(lambda: self._move_selected(Phase.WITH_DOCTOR, Phase.WAITING))
        self.refresh_button.clicked.connect(vm.refresh)
        self.pay_button.clicked.connect(self._request_payment)
        self.doctor_filter.currentIndexChanged.connect(self._doctor_chosen)
        for phase, column in self.columns.items():
            column.list.visit_dropped.connect(lambda visit_id, p=phase: vm.move(visit_id, p))
            column.list.doubleClicked.connect(lambda index, p=phase: self._double_clicked(index, p))
            column.list.selectionModel().selectionChanged.connect(self._update_buttons)
        vm.model.modelReset.connect(self._update_buttons)
        vm.loaded.connect(self._loaded)
        vm.doctors_changed.connect(self._fill_doctors)
        vm.busy_changed.connect(lambda busy: self.refresh_button.setEnabled(not busy))
        self._update_buttons()

        # The wait timers tick locally: repaint the moving columns, no refetch and no model change.
        self.ticker = QTimer(self)
        self.ticker.setInterval(self.TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()

    def tick(self) -> None:
        for phase in (Phase.WAITING, Phase.WITH_DOCTOR):
            self.columns[phase].list.viewport().update()

    def _move_selected(self, source: Phase, target: Phase) -> None:
        visit_id = self.columns[source].list.selected_visit_id()
        if visit_id is not None:
            self.vm.move(visit_id, target)

    def _double_clicked(self, index: QModelIndex, phase: Phase) -> None:
        card = card_at(index)
        if card is None:
            return
        visit_id = card.id
        if phase == Phase.WAITING:
            self.vm.move(visit_id, Phase.WITH_DOCTOR)
        elif phase == Phase.COMPLETED:
            self.payment_requested.emit(visit_id)

    def _request_payment(self) -> None:
        visit_id = self.columns[Phase.COMPLETED].list.selected_visit_id()
        if visit_id is not None:
            self.payment_requested.emit(visit_id)

    def _update_buttons(self, *_: object) -> None:
        self.send_button.setEnabled(self.columns[Phase.WAITING].list.selected_visit_id() is not None)
        self.back_button.setEnabled(self.columns[Phase.WITH_DOCTOR].list.selected_visit_id() is not None)
        self.pay_button.setEnabled(self.columns[Phase.COMPLETED].list.selected_visit_id() is not None)

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
        for column in self.columns.values():
            proxy = column.proxy
            for row in range(proxy.rowCount()):
                index = proxy.index(row, 0)
                if (card := card_at(index)) is not None and card.id == visit_id:
                    column.list.setCurrentIndex(index)
                    return True
        return False

    def shutdown(self) -> None:
        self.ticker.stop()
