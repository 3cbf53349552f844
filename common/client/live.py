"""`LiveEvents`: the server's Socket.IO pushes for the desktop apps, without Qt.

It owns its reconnect loop (python-socketio's own reconnection is off) because every attempt must send the
CURRENT access token, and a refusal for a stale token must be answered with one refresh through the ApiClient.
It tracks the last `seq` seen per ROOM (every event names its `room`: "clinic_3" for the front desk,
"doctor_7" for one doctor; each room has its own gapless seq). A jump in any room (seq > last + 1) means events
were missed, so listeners are told to refetch (`on_resync("gap")`); so are they after every reconnect
(`on_resync("reconnect")`), since nothing said while the socket was down is replayed. Events of one change share
their room's seq, so seq <= last is a sibling or a duplicate and is delivered as is.

Several server processes (docs/realtime.md) each deliver their own events in order, but two processes' events of
one room can cross on the way: seq 8 from one can overtake seq 7 from the other. So an event that jumps ahead is
held for up to `reorder_window` seconds (and at most MAX_HELD per room) waiting for the missing ones; listeners get
the room's events in seq order. Only when the missing seq does not come in time is it a gap (resync, then the held
events in order).

States: "connected"; "reconnecting" from a drop until the first failed attempt; "offline" while the server
cannot be reached (attempts go on in the background with backoff) and after `close()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from typing import Any, Literal, Protocol

import socketio

from common import events as ev
from common.client.api import ApiClient, normalize_url
from common.client.errors import ApiError, humanize

log = logging.getLogger(__name__)

ConnectionState = Literal["connected", "reconnecting", "offline"]
CONNECTED: ConnectionState = "connected"
RECONNECTING: ConnectionState = "reconnecting"
OFFLINE: ConnectionState = "offline"

RESYNC_RECONNECT = "reconnect"
RESYNC_GAP = "gap"

_REFUSED_PREFIX = "One or more namespaces failed to connect"
REORDER_WINDOW = 1.0  # seconds an early event waits for the seqs before it (as long as the server bus holds one)
MAX_HELD = 200  # early events held per room before the missing ones are declared lost


class LiveListener(Protocol):
    """What LiveEvents calls. Implement all three (the Qt EventBridge does); each must return quickly."""

    def on_event(self, name: str, payload: dict[str, Any]) -> None: ...

    def on_resync(self, reason: str) -> None: ...

    def on_state_changed(self, state: str) -> None: ...


class LiveAuthError(ApiError):
    """The server refused the socket's credentials and a token refresh did not help."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message, code="socket_refused")


class LiveEvents:
    def __init__(
        self,
        api: ApiClient | None = None,
        *,
        initial_delay: float = 0.5,
        max_delay: float = 5.0,
        connect_timeout: float = 5.0,
        transports: list[str] | None = None,
        reorder_window: float = REORDER_WINDOW,
    ) -> None:
        self._api = api
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.connect_timeout = connect_timeout
        self.transports = transports
        self.url: str | None = None
        self.last_seq: dict[str, int] = {}  # room → the last seq seen in it
        self.reorder_window = reorder_window
        self.reordered = 0  # early events that were put back in order (diagnostics, benchmarks)
        self._held: dict[str, list[tuple[int, int, str, dict[str, Any]]]] = {}  # room → (seq, order, name, data)
        self._held_order = 0
        self._expiry: dict[str, asyncio.TimerHandle] = {}
        self.error: str | None = None  # why the connection gave up, when it did
        self._token: str | None = None
        self._state: ConnectionState = OFFLINE
        self._listeners: list[LiveListener] = []
        self._state_callbacks: list[Callable[[str], None]] = []
        self._sio: socketio.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._dropped = asyncio.Event()
        self._refusal: str | None = None
        if api is not None:
            api.room_seqs = self.heard_seqs

    def heard_seqs(self) -> dict[str, int]:
        """The newest seq heard in each room while connected (the ApiClient sends them with a cached list's
        refetch: common.events.ROOM_SEQ_HEADER). Nothing while not connected: what was said during a drop is
        unknown, and a list refetched then must come from the database."""
        return dict(self.last_seq) if self._state == CONNECTED else {}

    # --- listeners and state ----------------------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def connected(self) -> bool:
        return self._state == CONNECTED

    def add_listener(self, listener: LiveListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: LiveListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def add_state_listener(self, callback: Callable[[str], None]) -> None:
        self._state_callbacks.append(callback)

    def _set_state(self, state: ConnectionState) -> None:
        if state == self._state:
            return
        self._state = state
        for listener in list(self._listeners):
            _safely(listener.on_state_changed, state)
        for callback in list(self._state_callbacks):
            _safely(callback, state)

    def _resync(self, reason: str) -> None:
        for listener in list(self._listeners):
            _safely(listener.on_resync, reason)

    # --- events -----------------------------------------------------------------------------------------------

    def handle_event(self, name: str, payload: Any) -> None:
        """Track seq per room and hand events to every listener in seq order: an early one waits briefly for the
        seqs before it; a seq that never comes is a gap (resync)."""
        data: dict[str, Any] = payload if isinstance(payload, dict) else {"data": payload}
        seq, room = data.get("seq"), data.get("room")
        if type(seq) is not int or not isinstance(room, str):
            self._deliver(name, data)  # not tracked
            return
        last = self.last_seq.get(room)
        if last is None or seq <= last + 1:
            if last is None or seq > last:
                self.last_seq[room] = seq
            self._deliver(name, data)  # the next one, a sibling, a duplicate or a stale one: as is
            if room in self._held and last is not None and seq == last + 1:
                self._release_in_order(room)
            return
        if not self._hold(room, seq, name, data):  # no loop to wait on, or no waiting wanted: a gap now
            self._gap(room, [(seq, 0, name, data)])

    def _deliver(self, name: str, data: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            _safely(listener.on_event, name, data)

    def _hold(self, room: str, seq: int, name: str, data: dict[str, Any]) -> bool:
        if self.reorder_window <= 0:
            return False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        held = self._held.setdefault(room, [])
        self._held_order += 1
        held.append((seq, self._held_order, name, data))
        if len(held) > MAX_HELD:
            self._expire(room)
        elif room not in self._expiry:
            self._expiry[room] = loop.call_later(self.reorder_window, self._expire, room)
        return True

    def _release_in_order(self, room: str) -> None:
        """Deliver the held events that follow on from the room's last seq, in seq order."""
        held = sorted(self._held.get(room, []))
        last = self.last_seq[room]
        while held and held[0][0] <= last + 1:
            seq, _, name, data = held.pop(0)
            last = max(last, seq)
            self.last_seq[room] = last
            self.reordered += 1
            self._deliver(name, data)
        if held:
            self._held[room] = held
        else:
            self._held.pop(room, None)
            timer = self._expiry.pop(room, None)
            if timer is not None:
                timer.cancel()

    def _expire(self, room: str) -> None:
        """The missing seqs did not come: a gap. Refetch, then the held events in order."""
        self._expiry.pop(room, None)
        held = self._held.pop(room, None)
        if held:
            self._gap(room, sorted(held))

    def _gap(self, room: str, events: list[tuple[int, int, str, dict[str, Any]]]) -> None:
        log.info("seq gap in room %s (now %s): resync", room, events[0][0])
        self._resync(RESYNC_GAP)
        for seq, _, name, data in events:
            self.last_seq[room] = max(self.last_seq.get(room, seq), seq)
            self._deliver(name, data)

    def _forget_held(self) -> None:
        for timer in self._expiry.values():
            timer.cancel()
        self._expiry.clear()
        self._held.clear()

    def _make_client(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)

        def forward(name: str) -> Callable[[Any], Any]:
            async def handler(payload: Any = None) -> None:
                self.handle_event(name, payload)

            return handler

        for name in ev.ALL_EVENTS:
            sio.on(name, forward(name))

        @sio.on(ev.ERROR)
        async def _server_error(payload: Any = None) -> None:
            log.warning("server refused a socket request: %s", payload)

        @sio.on("connect_error")
        async def _connect_error(data: Any = None) -> None:
            # The server's refusal arrives as {"message": ...}; transport failures as plain strings.
            if isinstance(data, dict) and data.get("message"):
                self._refusal = str(data["message"])

        @sio.on("disconnect")
        async def _disconnect(*_: Any) -> None:
            self._dropped.set()

        return sio

    # --- connection -------------------------------------------------------------------------------------------

    def _current_token(self) -> str | None:
        if self._api is not None and self._api.access_token:
            return self._api.access_token
        return self._token

    async def connect(self, url: str, token: str | None = None) -> bool:
        """Start the live connection; returns after the first attempt: True if connected, False if the server
        could not be reached (attempts go on in the background). Raises LiveAuthError if the credentials are
        refused even after a refresh."""
        await self.close()
        self.url, self._token, self._closing, self.error = normalize_url(url), token, False, None
        self.last_seq.clear()
        self._forget_held()
        first: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._set_state(RECONNECTING)
        self._task = asyncio.create_task(self._run(first), name="live-events")
        return await asyncio.shield(first)

    async def close(self) -> None:
        """Disconnect and stop reconnecting."""
        self._closing = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._drop_client()
        self._forget_held()
        self._set_state(OFFLINE)

    async def _drop_client(self) -> None:
        sio, self._sio = self._sio, None
        if sio is not None:
            with contextlib.suppress(Exception):
                await sio.disconnect()

    async def _attempt(self) -> Literal["connected", "refused", "unreachable"]:
        await self._drop_client()
        token = self._current_token()
        if not token:
            self._refusal = "not logged in"
            return "refused"
        self._refusal = None
        self._dropped.clear()
        sio = self._make_client()
        try:
            assert self.url is not None
            await sio.connect(
                self.url,
                auth={"token": token},
                transports=self.transports,
                wait_timeout=self.connect_timeout,
            )
        except socketio.exceptions.ConnectionError as exc:
            # A refusal by our connect handler fails the namespace; anything else is a transport failure.
            refused = bool(sio.failed_namespaces) or str(exc).startswith(_REFUSED_PREFIX)
            with contextlib.suppress(Exception):
                await sio.disconnect()
            return "refused" if refused else "unreachable"
        except Exception:  # any other transport failure: keep trying, it is the same as unreachable
            log.warning("live connection attempt failed", exc_info=True)
            with contextlib.suppress(Exception):
                await sio.disconnect()
            return "unreachable"
        self._sio = sio
        return "connected"

    async def _run(self, first: asyncio.Future[bool]) -> None:
        delay = self.initial_delay
        was_connected = False
        refreshed = False  # one refresh per streak of refusals; a second refusal is final
        try:
            while not self._closing:
                outcome = await self._attempt()
                if outcome == "connected":
                    delay, refreshed = self.initial_delay, False
                    if was_connected:
                        self.last_seq.clear()  # the baseline is unknown after a gap in the connection
                        self._forget_held()
                    self._set_state(CONNECTED)
                    if was_connected:
                        self._resync(RESYNC_RECONNECT)
                    was_connected = True
                    _resolve(first, True)
                    await self._dropped.wait()
                    if self._closing:
                        break
                    log.info("live connection dropped; reconnecting")
                    self._set_state(RECONNECTING)
                    continue  # try at once; back off only if that fails
                if outcome == "refused":
                    if not refreshed and self._api is not None and self._api.refresh_token:
                        refreshed = True
                        try:
                            await self._api.refresh()
                            continue
                        except ApiError as exc:
                            if exc.status != 0:
                                self._give_up(first, exc.message)
                                return
                            outcome = "unreachable"  # the server went away between the two calls
                    else:
                        self._give_up(first, humanize(self._refusal or "refused"))
                        return
                refreshed = False  # a refusal after an outage is a new streak: it may refresh again
                self._set_state(OFFLINE)
                _resolve(first, False)
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # jitter: clinics reconnect unevenly
                delay = min(delay * 2, self.max_delay)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never leave the app with a silently dead connection
            log.exception("live events loop failed")
            self._give_up(first, f"The live connection failed: {exc}")

    def _give_up(self, first: asyncio.Future[bool], reason: str) -> None:
        self.error = f"The live connection was refused: {reason}"
        log.warning(self.error)
        self._set_state(OFFLINE)
        if not first.done():
            first.set_exception(LiveAuthError(self.error))


def _resolve(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)


def _safely(callback: Callable[..., Any], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:  # one broken listener must not stop the others or the socket
        log.exception("live-events listener failed")
