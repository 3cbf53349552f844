"""The queue board: one list model holding every card of the day (three filtered views show the columns),
refetched — debounced — when the server says the queue changed, and moves sent to the server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from client_reception.viewmodels.timeline import TimelineViewModel
from common.client import ApiClient, ApiError
from common.enums import PaymentStatus, Phase, Priority, VisitStatus
from common.qt.formatting import format_time
from common.qt.table_model import Column, RowRole, RowTableModel, SortRole
from common.qt.viewmodel import ViewModel
from common.schemas import DoctorOut, QueueBoard, QueueEntry, VisitOut

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class BoardCard:
    """One card: the visit as the server listed it, its column, and its place in that column's order."""

    phase: Phase
    entry: QueueEntry
    position: int  # in the server's order for its phase (priority, then arrival)

    @property
    def id(self) -> int:
        return self.entry.id


def _card_text(card: BoardCard) -> str:
    return f"#{card.entry.queue_number} {card.entry.patient.full_name}"


def _card_tip(card: BoardCard) -> str:
    e = card.entry
    lines = [f"{e.patient.full_name} · {e.patient.phone}", f"{e.doctor.full_name} · {e.service.name}"]
    if e.priority != Priority.NORMAL:
        lines.append(f"Priority: {e.priority.value.title()}")
    if e.status == VisitStatus.CALLED:
        lines.append(f"Called{f' to {e.room}' if e.room else ''} at {format_time(e.called_at)}")
    if card.phase == Phase.COMPLETED:
        lines.append(payment_block(e) or "Not paid yet")
    return "\n".join(lines)


def payment_block(entry: QueueEntry) -> str | None:
    """Why no payment can be taken for this visit now (None: it can). The server refuses a second live payment."""
    if entry.payment_status == PaymentStatus.PAID:
        return "Already paid: its receipt and a refund are on the Payments screen."
    if entry.payment_status == PaymentStatus.PENDING:
        return "A payment is already recorded as pending: mark it paid on the Payments screen."
    return None


class BoardModel(RowTableModel[BoardCard]):
    """Every card of the board in one model (three filtered views show the columns). A refetch is synced row by
    row (`sync_rows`): a check-in at another desk inserts one card and changes nothing else, so the card a
    receptionist selected stays selected and the columns keep their scroll position."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([Column("Card", _card_text, tooltip=_card_tip, sort_key=lambda c: c.position)], parent=parent)
        self.updates = 0  # how many refetches were applied (tests: a burst of events → one update)
        self.overdue_minutes = 20

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        card = self.row_for(index)
        if card is not None and card.phase != Phase.COMPLETED:
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def set_board(self, board: QueueBoard) -> None:
        cards = [
            BoardCard(phase, entry, position)
            for phase, entries in (
                (Phase.WAITING, board.waiting),
                (Phase.WITH_DOCTOR, board.with_doctor),
                (Phase.COMPLETED, board.completed),
            )
            for position, entry in enumerate(entries)
        ]
        self.overdue_minutes = board.overdue_wait_minutes
        self.sync_rows(cards, keep_order=False)  # each column sorts by `position` itself
        self.updates += 1

    def entries(self, phase: Phase | None = None) -> list[QueueEntry]:
        cards = sorted((c for c in self.rows if phase is None or c.phase == phase), key=lambda c: c.position)
        if phase is None:
            order = {Phase.WAITING: 0, Phase.WITH_DOCTOR: 1, Phase.COMPLETED: 2}
            cards.sort(key=lambda c: (order[c.phase], c.position))
        return [c.entry for c in cards]

    def card(self, visit_id: int) -> BoardCard | None:
        return self.find(visit_id)


def card_at(index: ModelIndex) -> BoardCard | None:
    """The card behind an index of the board model or of a column (the one row role)."""
    card = index.data(RowRole) if index.isValid() else None
    return card if isinstance(card, BoardCard) else None


class PhaseFilter(QSortFilterProxyModel):
    """One column of the board: the cards of one phase, in the server's order (kept as cards change)."""

    def __init__(self, phase: Phase, source: BoardModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.setSourceModel(source)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)
        self.sort(0)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        card = card_at(self.sourceModel().index(source_row, 0, source_parent))
        return card is not None and card.phase == self.phase


class BoardViewModel(ViewModel):
    """Owns the board model, the doctor filter and the refetch/move calls."""

    loaded = Signal()  # after every successful refetch
    syncing = Signal(bool)  # around a refetch's model update: views keep their selection through it
    doctors_changed = Signal()
    moved = Signal(int, str)  # visit id, new phase
    sent = Signal(int, str)  # visit id, what the Undo bar says: every send can be undone for a few seconds
    confirm_needed = Signal(int, str)  # visit id, why: the doctor is at the clinic's limit (409 doctor_busy)

    DEBOUNCE_MS = 150  # events arrive in bursts (ten check-ins at once): one refetch

    def __init__(self, api: ApiClient, parent: QObject | None = None, *, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.settings = settings or QSettings()  # the room each doctor was last called to
        self.model = BoardModel(self)
        self.columns = {phase: PhaseFilter(phase, self.model, self) for phase in Phase}
        self.doctor_id: int | None = None
        self.doctors: list[DoctorOut] = []
        self.board: QueueBoard | None = None
        self._fetching = False
        self._again = False
        self._in_flight: set[int] = set()  # visits with a move on its way to the server

    # --- loading ----------------------------------------------------------------------------------------------

    async def fetch(self) -> QueueBoard | None:
        """Load now and wait for it (counted like every load)."""
        return await self._load_counted()

    async def load(self) -> QueueBoard | None:
        if self._fetching:  # one request at a time; a change during it asks for one more pass
            self._again = True
            return None
        self._fetching = True
        try:
            while True:
                self._again = False
                board = await self.api.queue_board(doctor_id=self.doctor_id)
                if self._closed:
                    return None
                self.board = board
                self.syncing.emit(True)
                try:
                    self.model.set_board(board)
                finally:
                    self.syncing.emit(False)
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

    def set_doctor(self, doctor_id: int | None) -> None:
        if doctor_id != self.doctor_id:
            self.doctor_id = doctor_id
            self.refresh()

    @property
    def day(self) -> date | None:
        return self.board.date if self.board else None

    # --- moves ------------------------------------------------------------------------------------------------

    def move(self, visit_id: int, phase: Phase, *, confirm: bool = False) -> asyncio.Task[Any] | None:
        """Send a card to the doctor or back to waiting. One request per card at a time: a double-click (or a
        second press while the first is on its way) sends once."""
        if phase == Phase.COMPLETED:
            self._report("Only the doctor can complete a consultation; it moves to Completed when they finish.")
            return None
        if visit_id in self._in_flight:
            return None
        self._in_flight.add(visit_id)
        return self.spawn(self._move(visit_id, phase, confirm))

    def undo_send(self, visit_id: int) -> asyncio.Task[Any] | None:
        """The Undo of a send: back to waiting."""
        return self.move(visit_id, Phase.WAITING)

    async def _move(self, visit_id: int, phase: Phase, confirm: bool) -> None:
        try:
            found = self.model.card(visit_id)
            if found is not None and found.phase == phase:
                return  # dropped where it already is
            version = found.entry.version if found else None
            try:
                visit = await self.api.move(visit_id, phase, expected_version=version, confirm=confirm)
            except ApiError as exc:
                if exc.code == "doctor_busy":  # beyond the doctor's limit: the desk decides, nothing was written
                    self.confirm_needed.emit(visit_id, exc.message)
                    return
                if exc.status in (404, 409):  # our copy was stale: show the board as it is now
                    self.refresh_soon()
                raise
        finally:
            self._in_flight.discard(visit_id)
        self.moved.emit(visit_id, phase.value)
        if phase == Phase.WITH_DOCTOR:
            self.sent.emit(
                visit_id, f"#{visit.queue_number} {visit.patient.full_name} sent to {visit.doctor.full_name}"
            )
        else:
            self.info.emit(f"#{visit.queue_number} {visit.patient.full_name} is back in the waiting list")
        await self.fetch()

    def sending(self, visit_id: int) -> bool:
        return visit_id in self._in_flight

    # --- triage -----------------------------------------------------------------------------------------------

    def set_priority(self, visit_id: int, priority: Priority) -> asyncio.Task[Any] | None:
        return self.spawn(self._set_priority(visit_id, priority))

    async def _set_priority(self, visit_id: int, priority: Priority) -> None:
        found = self.model.card(visit_id)
        if found is not None and found.entry.priority == priority:
            return
        try:
            visit = await self.api.set_priority(visit_id, priority)
        except ApiError as exc:
            if exc.status in (404, 409):
                self.refresh_soon()
            raise
        self.info.emit(f"#{visit.queue_number} {visit.patient.full_name}: priority {priority.value.title()}")
        await self.fetch()

    # --- calling ----------------------------------------------------------------------------------------------

    def room_for(self, doctor_id: int) -> str:
        """The room this doctor's patients were last called to from this desk ("" if never)."""
        return str(self.settings.value(f"rooms/doctor_{doctor_id}", "", type=str) or "")

    async def call(self, visit_id: int, room: str = "") -> VisitOut:
        """WAITING -> CALLED, optionally to a room (remembered for the doctor). ApiError goes to the caller."""
        room = room.strip()
        try:
            visit = await self.run(self.api.call(visit_id, room=room))
        except ApiError as exc:
            if exc.status in (404, 409):
                self.refresh_soon()
            raise
        self.settings.setValue(f"rooms/doctor_{visit.doctor_id}", room)
        where = f" to {room}" if room else ""
        self.info.emit(f"Called #{visit.queue_number} {visit.patient.full_name}{where}")
        self.spawn(self.fetch(), quiet=True)
        return visit

    # --- cancelling -------------------------------------------------------------------------------------------

    async def cancel_visit(self, visit_id: int, *, cancel_appointment: bool = False) -> VisitOut:
        """A waiting (or called) visit is cancelled, its appointment too if asked. ApiError goes to the caller."""
        try:
            visit = await self.run(self.api.cancel_visit(visit_id, cancel_appointment=cancel_appointment))
        except ApiError as exc:
            if exc.status in (404, 409):
                self.refresh_soon()
            raise
        also = " and its appointment" if cancel_appointment else ""
        self.info.emit(f"Visit #{visit.queue_number} ({visit.patient.full_name}){also} cancelled")
        self.spawn(self.fetch(), quiet=True)
        return visit

    def timeline(self, visit_id: int) -> TimelineViewModel:
        """A view-model for one visit's timeline (its errors reach the same banner as the board's)."""
        vm = TimelineViewModel(self.api, visit_id, self)
        vm.error.connect(self.error)
        return vm
