"""The queue board: one list model holding every card of the day (three filtered views show the columns),
refetched — debounced — when the server says the queue changed, and moves sent to the server."""

from __future__ import annotations

import asyncio
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from client_reception.viewmodels.base import ViewModel
from common.client import ApiClient, ApiError
from common.enums import Phase
from common.schemas import DoctorOut, QueueBoard, QueueEntry

ModelIndex = QModelIndex | QPersistentModelIndex


class BoardRole(IntEnum):
    ENTRY = Qt.ItemDataRole.UserRole + 1  # the QueueEntry itself
    PHASE = Qt.ItemDataRole.UserRole + 2  # its Phase value (what the column views filter on)
    VISIT_ID = Qt.ItemDataRole.UserRole + 3


class BoardModel(QAbstractListModel):
    """Every card of the board in one model, so a refetch is one model update whatever the columns hold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Phase, QueueEntry]] = []
        self.updates = 0  # how many times the model was replaced (tests: a burst of events → one update)
        self.overdue_minutes = 20

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        phase, entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"#{entry.queue_number} {entry.patient.full_name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.patient.full_name} · {entry.patient.phone}\n{entry.doctor.full_name} · {entry.service.name}"
        if role == BoardRole.ENTRY:
            return entry
        if role == BoardRole.PHASE:
            return phase.value
        if role == BoardRole.VISIT_ID:
            return entry.id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self._rows[index.row()][0] != Phase.COMPLETED:
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def set_board(self, board: QueueBoard) -> None:
        rows = [(Phase.WAITING, e) for e in board.waiting]
        rows += [(Phase.WITH_DOCTOR, e) for e in board.with_doctor]
        rows += [(Phase.COMPLETED, e) for e in board.completed]
        self.beginResetModel()
        self._rows = rows
        self.overdue_minutes = board.overdue_wait_minutes
        self.endResetModel()
        self.updates += 1

    def entries(self, phase: Phase | None = None) -> list[QueueEntry]:
        return [e for p, e in self._rows if phase is None or p == phase]

    def find(self, visit_id: int) -> tuple[Phase, QueueEntry] | None:
        return next(((p, e) for p, e in self._rows if e.id == visit_id), None)


class PhaseFilter(QSortFilterProxyModel):
    """One column of the board: the cards of one phase, in queue-number order."""

    def __init__(self, phase: Phase, source: BoardModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.setSourceModel(source)
        self.setFilterRole(BoardRole.PHASE)
        self.setFilterFixedString(phase.value)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        return index.data(BoardRole.PHASE) == self.phase.value


class BoardViewModel(ViewModel):
    """Owns the board model, the doctor filter and the refetch/move calls."""

    loaded = Signal()  # after every successful refetch
    doctors_changed = Signal()
    moved = Signal(int, str)  # visit id, new phase

    DEBOUNCE_MS = 150

    def __init__(self, api: ApiClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.model = BoardModel(self)
        self.columns = {phase: PhaseFilter(phase, self.model, self) for phase in Phase}
        self.doctor_id: int | None = None
        self.doctors: list[DoctorOut] = []
        self.board: QueueBoard | None = None
        self.fetch_count = 0
        # Events arrive in bursts (ten check-ins at once): coalesce them into one refetch.
        self._debounce = self.debouncer(self.DEBOUNCE_MS, lambda: self.spawn(self.fetch()))
        self._fetching = False
        self._again = False

    # --- loading ----------------------------------------------------------------------------------------------

    def refresh_soon(self, *_: object) -> None:
        """Ask for a refetch; a burst of calls within the debounce interval makes one request."""
        if not self._closed:
            self._debounce.trigger()

    def refresh(self) -> None:
        self._debounce.cancel()
        self.spawn(self.fetch())

    def reload_all(self) -> None:
        """After a reconnect or a seq gap: the doctors may have changed too."""
        self.spawn(self.load_doctors())
        self.refresh()

    async def fetch(self) -> QueueBoard | None:
        if self._fetching:  # one request at a time; a change during it asks for one more pass
            self._again = True
            return None
        self._fetching = True
        try:
            while True:
                self._again = False
                self.fetch_count += 1
                board = await self.api.queue_board(doctor_id=self.doctor_id)
                if self._closed:
                    return None
                self.board = board
                self.model.set_board(board)
                self.loaded.emit()
                if not self._again:
                    return board
        finally:
            self._fetching = False

    async def fetch_until_ok(self, delays: tuple[float, ...] = (0.5, 1, 2, 4, 8)) -> QueueBoard | None:
        """After a reconnect the server may still be warming up (database not ready: 5xx, or refused): retry a
        few times with backoff, so the board does not stay stale until the next event."""
        for delay in (*delays, None):
            try:
                return await self.fetch()
            except ApiError as exc:
                if delay is None or not (exc.status == 0 or exc.status >= 500) or self._closed:
                    raise
                await asyncio.sleep(delay)
        return None

    async def load_doctors(self) -> None:
        self.doctors = await self.api.list_doctors()
        if not self._closed:
            self.doctors_changed.emit()

    def set_doctor(self, doctor_id: int | None) -> None:
        if doctor_id != self.doctor_id:
            self.doctor_id = doctor_id
            self.refresh()

    @property
    def day(self) -> date | None:
        return self.board.date if self.board else None

    # --- moves ------------------------------------------------------------------------------------------------

    def move(self, visit_id: int, phase: Phase) -> asyncio.Task[Any] | None:
        if phase == Phase.COMPLETED:
            self._report("Only the doctor can complete a consultation; it moves to Completed when they finish.")
            return None
        return self.spawn(self._move(visit_id, phase))

    async def _move(self, visit_id: int, phase: Phase) -> None:
        found = self.model.find(visit_id)
        if found is not None and found[0] == phase:
            return  # dropped where it already is
        version = found[1].version if found else None
        try:
            await self.api.move(visit_id, phase, expected_version=version)
        except ApiError as exc:
            if exc.status in (404, 409):  # our copy was stale: show the board as it is now
                self.refresh_soon()
            raise
        self.moved.emit(visit_id, phase.value)
        self.info.emit("Sent to the doctor" if phase == Phase.WITH_DOCTOR else "Back to waiting")
        await self.fetch()
