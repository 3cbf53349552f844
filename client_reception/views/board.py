"""The queue board: three columns (Waiting / With Doctor / Completed) of painted cards with a live wait timer,
buttons and drag-and-drop to move a card between Waiting and With Doctor."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDrag, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from client_reception.viewmodels.board import BoardRole, BoardViewModel, PhaseFilter
from common.enums import Phase
from common.qt.formatting import format_time
from common.schemas import QueueEntry

ModelIndex = QModelIndex | QPersistentModelIndex
MIME = "application/x-clinic-visit"
TITLES = {Phase.WAITING: "Waiting", Phase.WITH_DOCTOR: "With Doctor", Phase.COMPLETED: "Completed"}
ACCENT = {Phase.WAITING: "#2f6fb0", Phase.WITH_DOCTOR: "#2e8b57", Phase.COMPLETED: "#7a7a7a"}
HINTS = {
    Phase.WAITING: "Send with the button, a double-click or a drag",
    Phase.WITH_DOCTOR: "Drag back to Waiting to undo",
    Phase.COMPLETED: "The doctor completes the consultation",
}
EMPTY = {
    Phase.WAITING: "Nobody is waiting",
    Phase.WITH_DOCTOR: "Nobody is with a doctor",
    Phase.COMPLETED: "No completed visits yet",
}
OVERDUE_BG = QColor("#fdecea")
OVERDUE_EDGE = QColor("#c62828")


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def live_wait_seconds(entry: QueueEntry, phase: Phase, now: datetime) -> float:
    """Waiting: since check-in, ticking. With the doctor: time in the consulting room. Completed: its length."""
    if phase == Phase.WAITING:
        return (now - entry.check_in_time).total_seconds()
    if phase == Phase.WITH_DOCTOR:
        return (now - (entry.start_time or entry.check_in_time)).total_seconds()
    end = entry.end_time or now
    return (end - (entry.start_time or entry.check_in_time)).total_seconds()


def is_overdue(entry: QueueEntry, phase: Phase, threshold_minutes: int, now: datetime) -> bool:
    """A waiting card is overdue past the clinic threshold, counted locally so it turns red on time."""
    if phase != Phase.WAITING:
        return False
    return entry.is_overdue or live_wait_seconds(entry, phase, now) > threshold_minutes * 60


class CardDelegate(QStyledItemDelegate):
    """Paints one visit as a card; the time line is computed at paint time, so repainting makes it tick."""

    def __init__(self, phase: Phase, model_overdue: callable, parent: QWidget | None = None) -> None:  # type: ignore[valid-type]
        super().__init__(parent)
        self.phase = phase
        self._threshold = model_overdue
        self.now = lambda: datetime.now(UTC)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(max(option.rect.width(), 220), 3 * line + 34)  # three lines + paddings, nothing wasted

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        entry: QueueEntry | None = index.data(BoardRole.ENTRY)
        if entry is None:
            return
        now = self.now()
        overdue = is_overdue(entry, self.phase, self._threshold(), now)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = option.rect.adjusted(4, 3, -4, -3)
        background = OVERDUE_BG if overdue else QColor("#ffffff")
        edge = OVERDUE_EDGE if overdue else QColor(ACCENT[self.phase])
        painter.setPen(QPen(QColor("#1e88e5") if selected else QColor("#d0d4da"), 2 if selected else 1))
        painter.setBrush(background)
        painter.drawRoundedRect(card, 6, 6)
        painter.fillRect(QRect(card.left(), card.top() + 1, 5, card.height() - 1), edge)

        inner = card.adjusted(14, 6, -10, -6)
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        big = QFont(bold)
        big.setPointSizeF(base.pointSizeF() * 1.25)
        line = QFontMetrics(base).height()

        # line 1: queue number, name, timer on the right
        painter.setFont(big)
        painter.setPen(QColor(ACCENT[self.phase]) if not overdue else OVERDUE_EDGE)
        number = f"#{entry.queue_number}"
        number_w = QFontMetrics(big).horizontalAdvance(number) + 8
        painter.drawText(QRect(inner.left(), inner.top(), number_w, line + 4), Qt.AlignmentFlag.AlignVCenter, number)
        timer = elapsed_text(live_wait_seconds(entry, self.phase, now))
        label = {Phase.WAITING: "waiting", Phase.WITH_DOCTOR: "with doctor", Phase.COMPLETED: "took"}[self.phase]
        timer_text = f"{label} {timer}"
        painter.setFont(bold)
        timer_w = QFontMetrics(bold).horizontalAdvance(timer_text) + 4
        painter.setPen(OVERDUE_EDGE if overdue else QColor("#333333"))
        painter.drawText(
            QRect(inner.right() - timer_w, inner.top(), timer_w, line + 4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            timer_text,
        )
        painter.setPen(QColor("#111111"))
        name_rect = QRect(inner.left() + number_w, inner.top(), inner.width() - number_w - timer_w - 6, line + 4)
        name = QFontMetrics(bold).elidedText(entry.patient.full_name, Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, name)

        # line 2: phone · doctor; line 3: service · check-in time (clinic screen's local time)
        painter.setFont(base)
        painter.setPen(QColor("#444444"))
        metrics = QFontMetrics(base)
        second = f"{entry.patient.phone or 'no phone'}  ·  {entry.doctor.full_name}"
        checked_in = format_time(entry.check_in_time)  # the clinic's wall clock
        third = f"{entry.service.name}  ·  arrived {checked_in}"
        for i, text in enumerate((second, third), start=1):
            rect = QRect(inner.left(), inner.top() + 4 + i * (line + 3), inner.width(), line + 2)
            if overdue and i == 1:  # a badge on the right, so eliding the text never hides it
                painter.save()
                painter.setFont(bold)
                painter.setPen(OVERDUE_EDGE)
                badge_w = QFontMetrics(bold).horizontalAdvance("OVERDUE") + 4
                badge = QRect(rect.right() - badge_w, rect.top(), badge_w, rect.height())
                painter.drawText(badge, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "OVERDUE")
                painter.restore()
                rect.setWidth(rect.width() - badge_w - 8)
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()


class BoardColumnView(QListView):
    """A column's list. Drags carry the visit id; a drop from the other movable column asks for a move."""

    visit_dropped = Signal(int)  # visit id dropped here

    def __init__(self, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.setObjectName(f"board_list_{phase.value}")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setUniformItemSizes(True)
        self.setSpacing(1)
        movable = phase != Phase.COMPLETED
        self.setDragEnabled(movable)
        self.setAcceptDrops(movable)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(
            QAbstractItemView.DragDropMode.DragDrop if movable else QAbstractItemView.DragDropMode.NoDragDrop
        )
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:  # say so, rather than show a blank column
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#8a8f98"))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, EMPTY[self.phase])
            painter.end()

    def selected_visit_id(self) -> int | None:
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        return indexes[0].data(BoardRole.VISIT_ID) if indexes else None

    # drag out: our own MIME with "visit_id:phase", so only the board understands it
    def startDrag(self, supported: Qt.DropAction) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is None:
            return
        mime = QMimeData()
        mime.setData(MIME, QByteArray(f"{visit_id}:{self.phase.value}".encode()))
        drag = QDrag(self)
        drag.setMimeData(mime)
        index = self.currentIndex()
        if index.isValid():
            drag.setPixmap(self.viewport().grab(self.visualRect(index)))
        drag.exec(Qt.DropAction.MoveAction)

    def _source(self, mime: QMimeData) -> tuple[int, str] | None:
        if not mime.hasFormat(MIME):
            return None
        try:
            visit, phase = bytes(mime.data(MIME).data()).decode().split(":")
            return int(visit), phase
        except ValueError:
            return None

    def _accepts(self, mime: QMimeData) -> bool:
        source = self._source(mime)
        return source is not None and source[1] != self.phase.value and self.phase != Phase.COMPLETED

    def dragEnterEvent(self, event) -> None:  # noqa: ANN001 (QDragEnterEvent)
        if self._accepts(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: ANN001
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: ANN001 (QDropEvent)
        source = self._source(event.mimeData())
        if source is None or not self._accepts(event.mimeData()):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.visit_dropped.emit(source[0])


class BoardColumn(QFrame):
    def __init__(self, phase: Phase, proxy: PhaseFilter, threshold: callable, parent: QWidget | None = None) -> None:  # type: ignore[valid-type]
        super().__init__(parent)
        self.phase = phase
        self.setObjectName(f"board_column_{phase.value}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel(self)
        self.title.setObjectName(f"board_title_{phase.value}")
        self.title.setStyleSheet(f"font-weight: bold; font-size: 13pt; color: {ACCENT[phase]};")
        layout.addWidget(self.title)
        self.hint = QLabel(HINTS[phase], self)  # how cards get in and out of this column
        self.hint.setStyleSheet("color: #666; font-style: italic;")
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens a column
        layout.addWidget(self.hint)
        self.list = BoardColumnView(phase, self)
        self.list.setModel(proxy)
        self.delegate = CardDelegate(phase, threshold, self.list)
        self.list.setItemDelegate(self.delegate)
        layout.addWidget(self.list, 1)
        self.proxy = proxy
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        proxy.modelReset.connect(self.update_title)
        proxy.rowsInserted.connect(self.update_title)
        proxy.rowsRemoved.connect(self.update_title)
        self.update_title()

    def update_title(self, *_: object) -> None:
        self.title.setText(f"{TITLES[self.phase]}  ({self.proxy.rowCount()})")


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
        visit_id = index.data(BoardRole.VISIT_ID)
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
                if index.data(BoardRole.VISIT_ID) == visit_id:
                    column.list.setCurrentIndex(index)
                    return True
        return False

    def shutdown(self) -> None:
        self.ticker.stop()
