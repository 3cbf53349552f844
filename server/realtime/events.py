"""Staging events on a session and releasing them only after its transaction commits.

A service calls `next_seq()` once per change (it also locks the clinic row, so changes in one clinic are
serialised and their `seq` strictly increases), `stage()` for each event, then commits. The Session
`after_commit` hook hands the staged events to the bus; `after_rollback` (or a close without commit) drops
them, so a rolled-back change emits nothing. The bus forwards events to its sinks (the Socket.IO emitter, or a
test recorder) in `seq` order per clinic.

Why the bus reorders: commits are serialised by the clinic row lock, but the after-commit hooks of two
worker threads can run in either order, so seq 6 could reach the bus before seq 5. `next_seq` therefore
records each seq it hands out as *reserved* until its transaction ends; the bus holds an event while a lower
seq of the same clinic is still reserved in this process (that transaction has already committed or rolled
back, so the wait is a few milliseconds; it is capped at MAX_HOLD_SECONDS). Seqs used by other server
processes are not seen here: a client bridges those gaps by refetching (docs/realtime.md).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event, update
from sqlalchemy.orm import Session, SessionTransaction

from common.events import clinic_room, doctor_room
from server.models import Clinic

log = logging.getLogger(__name__)
_STAGED = "staged_events"
_RESERVED = "reserved_seqs"
MAX_HOLD_SECONDS = 1.0
_HOLD_POLL_SECONDS = 0.002


@dataclass(frozen=True)
class StagedEvent:
    name: str
    clinic_id: int
    seq: int
    data: dict[str, Any]
    rooms: tuple[str, ...]
    emitted_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def payload(self) -> dict[str, Any]:
        return {
            **self.data,
            "seq": self.seq,
            "clinic_id": self.clinic_id,
            "emitted_at": self.emitted_at.isoformat(),
        }


class SeqReservations:
    """Seqs handed out by next_seq in this process whose transaction has not been released yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[int, int], list[float]] = {}

    def add(self, clinic_id: int, seq: int) -> None:
        with self._lock:
            self._held.setdefault((clinic_id, seq), []).append(time.monotonic())

    def release(self, keys: Iterable[tuple[int, int]]) -> None:
        with self._lock:
            for key in keys:
                stamps = self._held.get(key)
                if stamps:
                    stamps.pop(0)
                    if not stamps:
                        del self._held[key]

    def blocks(self, clinic_id: int, seq: int) -> bool:
        """Is a lower seq of this clinic still reserved (and not abandoned)?"""
        now = time.monotonic()
        with self._lock:
            return any(
                c == clinic_id and s < seq and now - stamps[0] < MAX_HOLD_SECONDS
                for (c, s), stamps in self._held.items()
            )

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


reservations = SeqReservations()


def next_seq(session: Session, clinic_id: int) -> int:
    """Increment the clinic's event_seq inside the current transaction and return it (locks the clinic row)."""
    seq = session.execute(
        update(Clinic).where(Clinic.id == clinic_id).values(event_seq=Clinic.event_seq + 1).returning(Clinic.event_seq)
    ).scalar_one()
    seq = int(seq)
    reservations.add(clinic_id, seq)
    session.info.setdefault(_RESERVED, []).append((clinic_id, seq))
    return seq


def rooms_for(clinic_id: int, doctor_id: int | None = None, *, doctor_only: bool = False) -> tuple[str, ...]:
    if doctor_only:
        assert doctor_id is not None
        return (doctor_room(doctor_id),)
    if doctor_id is None:
        return (clinic_room(clinic_id),)
    return (clinic_room(clinic_id), doctor_room(doctor_id))


def stage(
    session: Session,
    name: str,
    *,
    clinic_id: int,
    seq: int,
    data: BaseModel | dict[str, Any],
    doctor_id: int | None = None,
    doctor_only: bool = False,
) -> None:
    """Queue one event on the session; it is emitted after commit, to the clinic room and the doctor's room."""
    body = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    staged = StagedEvent(name, clinic_id, seq, body, rooms_for(clinic_id, doctor_id, doctor_only=doctor_only))
    session.info.setdefault(_STAGED, []).append(staged)


Sink = Callable[[StagedEvent], Awaitable[None]]


@dataclass
class _Held:
    item: StagedEvent
    arrived: float
    order: int


class EventBus:
    """Carries committed events from worker threads to the event loop, in seq order per clinic."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[StagedEvent] | None = None
        self._task: asyncio.Task[None] | None = None
        self._sinks: list[Sink] = []

    def add_sink(self, sink: Sink) -> None:
        self._sinks.append(sink)

    def remove_sink(self, sink: Sink) -> None:
        if sink in self._sinks:
            self._sinks.remove(sink)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="event-bus")

    async def stop(self) -> None:
        if self._queue is not None:
            await self._queue.join()
        if self._task is not None:
            self._task.cancel()
        self._loop = self._queue = self._task = None

    def publish(self, events: list[StagedEvent], release: list[tuple[int, int]] | None = None) -> None:
        """Thread-safe; called from the session's after_commit hook. The events land in the queue and their
        seq reservations are released in one loop callback, so the bus never sees a seq as free before its
        events are queued."""
        loop, queue, release = self._loop, self._queue, release or []
        if loop is None or queue is None or loop.is_closed():
            reservations.release(release)
            if events:
                log.debug("event bus not running; %d event(s) not emitted", len(events))
            return

        def land() -> None:
            for item in events:
                queue.put_nowait(item)
            reservations.release(release)

        try:
            loop.call_soon_threadsafe(land)
        except RuntimeError:  # the loop closed in between
            reservations.release(release)

    async def _run(self) -> None:
        queue = self._queue
        assert queue is not None
        loop = asyncio.get_running_loop()
        held: list[_Held] = []
        counter = itertools.count()
        while True:
            if held:  # something is waiting for a lower seq: poll, do not block
                await asyncio.sleep(_HOLD_POLL_SECONDS)
            else:
                held.append(_Held(await queue.get(), loop.time(), next(counter)))
            while not queue.empty():  # take the whole burst, so it is sorted as one
                held.append(_Held(queue.get_nowait(), loop.time(), next(counter)))
            held = await self._deliver_ready(held, loop.time())

    async def _deliver_ready(self, held: list[_Held], now: float) -> list[_Held]:
        held.sort(key=lambda h: (h.item.clinic_id, h.item.seq, h.order))
        blocked: set[int] = set()
        keep: list[_Held] = []
        for entry in held:
            item = entry.item
            waiting = now - entry.arrived < MAX_HOLD_SECONDS and reservations.blocks(item.clinic_id, item.seq)
            if item.clinic_id in blocked or waiting:
                blocked.add(item.clinic_id)
                keep.append(entry)
                continue
            await self._deliver(item)
        return keep

    async def _deliver(self, item: StagedEvent) -> None:
        assert self._queue is not None
        try:
            for sink in list(self._sinks):
                try:
                    await sink(item)
                except Exception:  # one broken sink must not stop the others or later events
                    log.exception("event sink failed for %s", item.name)
        finally:
            self._queue.task_done()


bus = EventBus()


@event.listens_for(Session, "after_commit")
def _release_staged(session: Session) -> None:
    staged = session.info.pop(_STAGED, None)
    reserved = session.info.pop(_RESERVED, None)
    if staged or reserved:
        bus.publish(staged or [], reserved or [])


def _drop(session: Session) -> None:
    session.info.pop(_STAGED, None)
    reservations.release(session.info.pop(_RESERVED, None) or [])


@event.listens_for(Session, "after_rollback")
def _drop_staged(session: Session) -> None:
    _drop(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_unreleased(session: Session, transaction: SessionTransaction) -> None:
    # close() ends the transaction without after_rollback; drop what it staged so a reused session cannot
    # release it with a later, unrelated commit (after a commit both lists are already gone).
    if transaction.parent is None:
        _drop(session)
