"""Server-Sent Events for the waiting-room display: the feed of each clinic's screens.

Transport only. It is handed two blocking functions at app creation (server/api/display_feed.py), so it never
imports services or the database:
- `state(clinic_id)` -> the clinic's DisplayState as JSON text;
- `check(clinic_id, token)` -> the token's id, or raises a DomainError (401/403) when it no longer opens it.

Where changes come from: the hub is a sink of the event bus (realtime/bus.py), which carries every committed
event of this process after its commit. Any queue or visit event of a clinic's desk room marks that clinic
changed: its state is computed once and pushed to every stream of that clinic in this process, at once after a
quiet spell, then at most every ~100 ms while changes keep coming (the events of one commit cost one query).

Across processes (REDIS_URL set): a process's bus sees only its own commits, so a change is applied here and
announced on the Redis channel `clinic-display:<database name>`; every other process recomputes for its own
streams when the announcement arrives. If Redis cannot be reached, the change still reaches this process's
screens. Revocations
travel the same way; a stream also re-checks its token at every heartbeat, so a token revoked from the CLI (no
hub there) closes its screens within one heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from common import events as ev
from server.core.errors import DomainError, TooManyRequests
from server.realtime.bus import StagedEvent

log = logging.getLogger(__name__)

State = Callable[[int], str]  # blocking: clinic id -> DisplayState JSON
Check = Callable[[int, str], int]  # blocking: (clinic id, token) -> token id; raises DomainError to refuse

CHANNEL = "clinic-display"
# Screens one display token may hold open in one server process: a waiting room has a TV or three; a leaked or
# copied token opened in a loop must not hold the server's connections (each extra one is refused with 429).
MAX_STREAMS_PER_TOKEN = 10
# The desk-room events that can change what a screen shows (payments, appointments and a new patient cannot; a
# rename can: a screen may show initials).
CHANGES = frozenset(
    {
        ev.QUEUE_UPDATED,
        ev.NEW_CHECKIN,
        ev.VISIT_STATUS_CHANGED,
        ev.VISIT_CALLED,
        ev.PRIORITY_CHANGED,
        ev.CONSULTATION_COMPLETED,
        ev.PATIENT_UPDATED,
    }
)


def sse(data: str, *, event: str | None = None) -> str:
    """One Server-Sent Events message (`data` is one line of JSON)."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n"


@dataclass(eq=False)
class _Stream:
    clinic_id: int
    token_id: int
    inbox: asyncio.Queue[tuple[str, str]] = field(default_factory=lambda: asyncio.Queue(maxsize=4))

    def put(self, kind: str, data: str) -> None:
        """Only the newest state matters: a slow reader loses stale states, never the last one."""
        while True:
            try:
                self.inbox.put_nowait((kind, data))
                return
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    self.inbox.get_nowait()


class DisplayHub:
    def __init__(
        self,
        state: State,
        check: Check,
        *,
        redis_url: str | None = None,
        channel: str = CHANNEL,
        debounce: float = 0.1,
        heartbeat: float = 15.0,
        retry_ms: int = 3000,
        max_streams_per_token: int = MAX_STREAMS_PER_TOKEN,
    ) -> None:
        self.state = state
        self.check = check
        self.redis_url = redis_url
        self.channel = channel  # Redis channels are global to a Redis server: one per deployment (its database)
        self.debounce = debounce
        self.heartbeat = heartbeat
        self.retry_ms = retry_ms
        self.max_streams_per_token = max_streams_per_token
        self._streams: dict[int, set[_Stream]] = {}
        self._pending: dict[int, asyncio.TimerHandle] = {}
        self._earliest: dict[int, float] = {}  # per clinic: when the next push may start (loop time)
        self._changed: set[int] = set()  # clinics whose desk-room events arrived in this turn of the loop
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._origin = uuid.uuid4().hex  # this process, in its Redis announcements (it applies its own at once)
        # per clinic (one int each): states started / the newest one pushed, so a slow query can never put an
        # older state on the screens after a newer one
        self._computed: dict[int, int] = {}
        self._pushed: dict[int, int] = {}

    # --- life cycle --------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.redis_url:
            import redis.asyncio as aioredis

            # bounded waits: a Redis that stops answering must not stall the bus that feeds the sockets too
            self._redis = aioredis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=None)
            self._listener = asyncio.create_task(self._listen(), name="display-hub-redis")

    async def stop(self) -> None:
        for handle in self._pending.values():
            handle.cancel()
        self._pending.clear()
        tasks = [*self._tasks, *([self._listener] if self._listener else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._listener = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.aclose()
            self._redis = None
        await self.close_streams()

    async def close_streams(self) -> None:
        """End every open stream (the server is stopping: it waits for open responses). A screen reconnects."""
        for streams in self._streams.values():
            for stream in streams:
                stream.put("close", "")
        for _ in range(50):  # give the streams a moment to finish their responses
            if not self._streams:
                return
            await asyncio.sleep(0.02)

    # --- what changed ------------------------------------------------------------------------------------

    async def sink(self, item: StagedEvent) -> None:
        """The event-bus sink: a queue or visit event of a clinic's desk room changes its screens."""
        if item.name in CHANGES and item.room == ev.clinic_room(item.clinic_id):
            # one announcement for the events of one commit (they arrive together): gathered until the loop's
            # next turn, and never holding up the bus's next event
            if not self._changed and self._loop is not None:
                self._loop.call_soon(self._announce_changed)
            self._changed.add(item.clinic_id)

    def _announce_changed(self) -> None:
        changed, self._changed = self._changed, set()
        for clinic_id in changed:
            self._spawn(self.announce({"clinic_id": clinic_id}))

    def clinic_changed(self, clinic_id: int) -> None:
        """The clinic itself changed (its name, time zone, what it shows of patients): thread-safe, like an
        event of its desk room."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: self._spawn(self.announce({"clinic_id": clinic_id})))

    def revoked(self, token_id: int) -> None:
        """A display token was revoked (thread-safe): its open streams end at once, in every process."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: self._spawn(self.announce({"revoked": token_id})))

    async def announce(self, message: dict[str, int]) -> None:
        """Apply a change here, and tell the other processes (through Redis, when there is one)."""
        self._apply(message)
        if self._redis is not None:
            try:
                body = json.dumps({**message, "origin": self._origin})
                await asyncio.wait_for(self._redis.publish(self.channel, body), timeout=2)
            except Exception:  # Redis is down: the other processes' screens catch up with the next change
                log.warning("display change not announced through Redis; applied in this process only")

    async def _listen(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                async for raw in pubsub.listen():
                    if raw.get("type") == "message":
                        with contextlib.suppress(ValueError, TypeError, AttributeError):
                            message = json.loads(raw["data"])
                            if message.get("origin") != self._origin:  # its own were applied when announced
                                self._apply(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("display feed lost Redis; resubscribing in 1 s")
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _apply(self, message: dict[str, Any]) -> None:
        if isinstance(message.get("revoked"), int):
            for streams in self._streams.values():
                for stream in streams:
                    if stream.token_id == message["revoked"]:
                        stream.put("recheck", "")
        clinic_id = message.get("clinic_id")
        if isinstance(clinic_id, int) and self._streams.get(clinic_id) and clinic_id not in self._pending:
            # the first change after a quiet spell goes out at once; the rest of a burst waits for one push at
            # most every `debounce` seconds (the events of one commit arrive together: they cost one push)
            assert self._loop is not None
            now = self._loop.time()
            delay = max(0.0, self._earliest.get(clinic_id, now) - now)
            self._earliest[clinic_id] = now + delay + self.debounce
            self._pending[clinic_id] = self._loop.call_later(delay, lambda: self._spawn(self._push(clinic_id)))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _push(self, clinic_id: int) -> None:
        self._pending.pop(clinic_id, None)
        if not self._streams.get(clinic_id):
            return
        number = self._computed[clinic_id] = self._computed.get(clinic_id, 0) + 1
        try:
            data = await run_in_threadpool(self.state, clinic_id)
        except Exception:  # the database is down: the screens keep what they show and get the next change
            log.exception("display state of clinic %s could not be computed", clinic_id)
            return
        if number < self._pushed.get(clinic_id, 0):
            return  # a later query (a newer state) finished first
        self._pushed[clinic_id] = number
        for stream in list(self._streams.get(clinic_id, ())):
            stream.put("state", data)

    # --- one screen's stream -----------------------------------------------------------------------------

    def admit(self, token_id: int) -> None:
        """Refuse (429) a new screen beyond `max_streams_per_token` open with this token in this process."""
        open_now = sum(1 for streams in self._streams.values() for s in streams if s.token_id == token_id)
        if open_now >= self.max_streams_per_token:
            raise TooManyRequests(
                f"this display token already has {open_now} screens open; close one or create another token",
                retry_after_seconds=int(self.heartbeat),
            )

    def open_streams(self, clinic_id: int | None = None) -> int:
        if clinic_id is None:
            return sum(len(s) for s in self._streams.values())
        return len(self._streams.get(clinic_id, ()))

    async def stream(self, clinic_id: int, token: str, token_id: int) -> AsyncIterator[str]:
        """The SSE body of one screen: the state at once, then on every change; a heartbeat comment while
        nothing changes; a `refused` event and the end when its token stops opening this clinic."""
        me = _Stream(clinic_id, token_id)
        self._streams.setdefault(clinic_id, set()).add(me)  # before the first state: no change can slip between
        try:
            yield f"retry: {self.retry_ms}\n\n"
            yield sse(await run_in_threadpool(self.state, clinic_id))
            while True:
                try:
                    kind, data = await asyncio.wait_for(me.inbox.get(), timeout=self.heartbeat)
                except TimeoutError:
                    kind, data = "heartbeat", ""
                if kind == "close":
                    return
                if kind == "state":
                    yield sse(data)
                    continue
                refusal = await self._refusal(clinic_id, token)
                if refusal is not None:
                    yield sse(refusal, event="refused")
                    return
                if kind == "heartbeat":
                    yield ": heartbeat\n\n"
        finally:
            streams = self._streams.get(clinic_id)
            if streams is not None:
                streams.discard(me)
                if not streams:
                    del self._streams[clinic_id]

    async def _refusal(self, clinic_id: int, token: str) -> str | None:
        """The refusal body when the token no longer opens the clinic; None while it does (or cannot be told
        now: a database outage does not blank the screens)."""
        try:
            await run_in_threadpool(self.check, clinic_id, token)
        except DomainError as exc:
            return json.dumps({**exc.to_dict(), "status": exc.status_code})
        except Exception:
            log.warning("display token could not be re-checked; keeping the stream")
        return None
