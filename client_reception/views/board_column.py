"""A column of the queue board: its title and hint, the list of cards, and the drag-and-drop between columns."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from client_reception.viewmodels.board import PhaseFilter, card_at
from client_reception.views.board_card import ACCENT, CardDelegate
from common.enums import Phase

MIME = "application/x-clinic-visit"
BATCH_SIZE = 50  # cards laid out per pass of the event loop
MIN_COLUMN_WIDTH = 176  # three columns and the sidebar fit a window 800 px wide
TITLES = {Phase.WAITING: "Waiting", Phase.WITH_DOCTOR: "With Doctor", Phase.COMPLETED: "Completed"}
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


class BoardColumnView(QListView):
    """A column's list. Drags carry the visit id; a drop from the other movable column asks for a move."""

    visit_dropped = Signal(int)  # visit id dropped here

    def __init__(self, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.setObjectName(f"board_list_{phase.value}")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # A card's height follows the column's width (its labels wrap), so sizes are asked again on a resize;
        # cards are never wider than the column: no sideways scrolling that would hide the timer or OVERDUE.
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # A change re-lays out the whole column (a day's Completed holds hundreds of cards): in batches, each in its
        # own pass of the event loop, so the UI thread never spends one long stretch on it while events pour in.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(BATCH_SIZE)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        card = card_at(indexes[0]) if indexes else None
        return card.id if card else None

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
    def __init__(
        self, phase: Phase, proxy: PhaseFilter, threshold: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.phase = phase
        self.setObjectName(f"board_column_{phase.value}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(MIN_COLUMN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel(self)
        self.title.setObjectName(f"board_title_{phase.value}")
        self.title.setStyleSheet(f"font-weight: bold; font-size: 13pt; color: {ACCENT[phase]};")
        layout.addWidget(self.title)
        self.hint = QLabel(HINTS[phase], self)  # how cards get in and out of this column
        self.hint.setStyleSheet("color: #666; font-style: italic;")
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens a column
        self.hint.setWordWrap(True)  # a narrow column wraps it rather than cutting a word
        layout.addWidget(self.hint)
        self.list = BoardColumnView(phase, self)
        self.list.setModel(proxy)
        self.delegate = CardDelegate(phase, threshold, self.list)
        self.list.setItemDelegate(self.delegate)
        layout.addWidget(self.list, 1)
        self.proxy = proxy
        proxy.modelReset.connect(self.update_title)
        proxy.rowsInserted.connect(self.update_title)
        proxy.rowsRemoved.connect(self.update_title)
        self.update_title()

    def update_title(self, *_: object) -> None:
        self.title.setText(f"{TITLES[self.phase]}  ({self.proxy.rowCount()})")
