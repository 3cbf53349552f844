"""Observing server events in tests: in-process (what the bus is handed after commit) and over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import socketio

from server.realtime import bus as rt


class LiveRecorder:
    """A `common.client.live.LiveEvents` listener that keeps what reaches it: every event (name, payload), every
    resync and every connection state."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.resyncs: list[str] = []
        self.states: list[str] = []

    def on_event(self, name: str, payload: dict[str, Any]) -> None:
        self.events.append((name, payload))

    def on_resync(self, reason: str) -> None:
        self.resyncs.append(reason)

    def on_state_changed(self, state: str) -> None:
        self.states.append(state)

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for n, payload in self.events if n == name]


@contextmanager
def recorded_events() -> Iterator[list[rt.StagedEvent]]:
    """Every event the after-commit hook releases to the bus while the block runs (nothing if rolled back)."""
    got: list[rt.StagedEvent] = []
    original = rt.bus.publish

    def publish(items: list[rt.StagedEvent], *args: object, **kwargs: object) -> None:
        got.extend(items)
        original(items, *args, **kwargs)

    rt.bus.publish = publish  # type: ignore[method-assign]  # a spy in place of the bus
    try:
        yield got
    finally:
        del rt.bus.publish  # back to the class method


def names(events: list[rt.StagedEvent], room: str | None = None) -> list[str]:
    """Event names in release order, of one room when given."""
    return [e.name for e in events if room is None or e.room == room]


def rooms(events: list[rt.StagedEvent], name: str | None = None) -> set[str]:
    """The rooms the events (of one name, when given) went to."""
    return {e.room for e in events if name is None or e.name == name}


class SocketRecorder:
    """A real python-socketio AsyncClient that records every event it receives, in arrival order."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token
        self.events: list[tuple[str, Any]] = []
        self.sio = socketio.AsyncClient(reconnection=False)

        @self.sio.on("*")
        async def _any(event: str, data: Any = None) -> None:
            self.events.append((event, data))

    async def connect(self) -> SocketRecorder:
        auth = {"token": self.token} if self.token is not None else None
        await self.sio.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=10)
        return self

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

    def of(self, name: str) -> list[Any]:
        return [data for event, data in self.events if event == name]

    async def wait_for(
        self, name: str, pred: Callable[[Any], bool] = lambda _: True, timeout: float = 10, count: int = 1
    ) -> list[Any]:
        """Wait until `count` events named `name` matching `pred` have arrived; return them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [d for d in self.of(name) if pred(d)]
            if len(found) >= count:
                return found
            if loop.time() > deadline:
                seen = [e for e, _ in self.events]
                raise AssertionError(f"no {count}× {name!r} within {timeout}s; received {seen}")
            await asyncio.sleep(0.02)
