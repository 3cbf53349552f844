"""The event bus: committed events travel from worker threads to the event loop and on to the sinks (the
Socket.IO emitter, or a test recorder), in `seq` order per room.

Why it reorders: the outbox numbers a change's rooms just before its commit (services/outbox.py), but the
after-commit hooks of two worker threads can run in either order, so seq 6 of a room could reach the bus before
seq 5. The outbox therefore records each seq it hands out as *reserved* until its transaction ends; the bus holds
an event while a lower seq of the same room is still reserved in this process (that transaction has already
committed or rolled back, so the wait is a few milliseconds; it is capped at MAX_HOLD_SECONDS). Seqs used by
other server processes are not seen here: a client bridges those gaps by refetching (docs/realtime.md).

Transport only: no database, no services. What an event carries was decided (and shaped for its room's audience)
by the outbox before it got here.
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

log = logging.getLogger(__name__)
MAX_HOLD_SECONDS = 1.0
_HOLD_POLL_SECONDS = 0.002

RoomSeq = tuple[str, int]  # (room, seq)


@dataclass(frozen=True)
class StagedEvent:
    """One event for one room: `data` is the body already shaped for that room's audience."""

    name: str
    room: str
    seq: int
    clinic_id: int
    data: dict[str, Any]
    emitted_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def payload(self) -> dict[str, Any]:
        """The body plus the envelope (common.schemas.EventEnvelope)."""
        return {
            **self.data,
            "seq": self.seq,
            "room": self.room,
            "clinic_id": self.clinic_id,
            "emitted_at": self.emitted_at.isoformat(),
        }


class SeqReservations:
    """Seqs handed out in this process whose transaction has not been released yet, per room."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[RoomSeq, list[float]] = {}

    def add(self, room: str, seq: int) -> None:
        with self._lock:
            self._held.setdefault((room, seq), []).append(time.monotonic())

    def release(self, keys: Iterable[RoomSeq]) -> None:
        with self._lock:
            for key in keys:
                stamps = self._held.get(key)
                if stamps:
                    stamps.pop(0)
                    if not stamps:
                        del self._held[key]

    def blocks(self, room: str, seq: int) -> bool:
        """Is a lower seq of this room still reserved (and not abandoned)?"""
        now = time.monotonic()
        with self._lock:
            return any(
                r == room and s < seq and now - stamps[0] < MAX_HOLD_SECONDS for (r, s), stamps in self._held.items()
            )

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


reservations = SeqReservations()

Sink = Callable[[StagedEvent], Awaitable[None]]


@dataclass
class _Held:
    item: StagedEvent
    arrived: float
    order: int


class EventBus:
    """Carries committed events from worker threads to the event loop, in seq order per room."""

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

    async def drain(self) -> None:
        """Wait until everything published so far has been delivered (tests)."""
        await asyncio.sleep(0.05)  # let call_soon_threadsafe callbacks land in the queue
        if self._queue is not None:
            await self._queue.join()

    def publish(self, events: list[StagedEvent], release: list[RoomSeq] | None = None) -> None:
        """Thread-safe; called after a commit. The events land in the queue and their seq reservations are
        released in one loop callback, so the bus never sees a seq as free before its events are queued."""
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
        held.sort(key=lambda h: (h.item.room, h.item.seq, h.order))
        blocked: set[str] = set()
        keep: list[_Held] = []
        for entry in held:
            item = entry.item
            waiting = now - entry.arrived < MAX_HOLD_SECONDS and reservations.blocks(item.room, item.seq)
            if item.room in blocked or waiting:
                blocked.add(item.room)
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
