"""Staging events on a session and releasing them only after its transaction commits.

A service calls `next_seq()` once per change (it also locks the clinic row, so changes in one clinic are
serialised and their `seq` strictly increases), `stage()` for each event, then commits. The Session
`after_commit` hook hands the staged events to the bus; `after_rollback` drops them, so a rolled-back change
emits nothing. The bus forwards events, in order, to its sinks (the Socket.IO emitter, or a test recorder).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from common.events import clinic_room, doctor_room
from server.models import Clinic

log = logging.getLogger(__name__)
_STAGED = "staged_events"


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


def next_seq(session: Session, clinic_id: int) -> int:
    """Increment the clinic's event_seq inside the current transaction and return it (locks the clinic row)."""
    seq = session.execute(
        update(Clinic).where(Clinic.id == clinic_id).values(event_seq=Clinic.event_seq + 1).returning(Clinic.event_seq)
    ).scalar_one()
    return int(seq)


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


class EventBus:
    """Carries committed events from worker threads to the event loop, one at a time and in order."""

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

    def publish(self, events: list[StagedEvent]) -> None:
        """Thread-safe; called from the session's after_commit hook."""
        loop, queue = self._loop, self._queue
        if loop is None or queue is None or loop.is_closed():
            log.debug("event bus not running; %d event(s) not emitted", len(events))
            return
        for item in events:
            loop.call_soon_threadsafe(queue.put_nowait, item)

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            item = await self._queue.get()
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
    if staged:
        bus.publish(staged)


@event.listens_for(Session, "after_rollback")
def _drop_staged(session: Session) -> None:
    session.info.pop(_STAGED, None)
