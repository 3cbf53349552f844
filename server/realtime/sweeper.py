"""Disconnects the sockets whose session has ended: the user or the doctor profile deactivated, the password
reset, the role or clinic changed. Transport only: it is HANDED the function that decides (`validate`), so it
knows nothing of users or the database.

Every `interval` seconds it asks `validate` about the identities of this process's sockets, and disconnects
those no longer valid; `wake()` (thread-safe) makes it sweep at once, which is what an admin action in this
process does. With several processes behind Redis, each process sweeps its own sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import socketio
from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)

Identity = tuple[int, int | None, int]  # (user id, doctor id or None, session version)
Validate = Callable[[set[Identity]], set[Identity]]  # blocking (it reads the database): run in a thread
NAMESPACE = "/"


def identity_of(saved: dict[str, Any]) -> Identity | None:
    """The identity a connected socket saved in its session (None while it is still being authenticated)."""
    if "user_id" not in saved:
        return None
    return saved["user_id"], saved.get("doctor_id"), saved.get("session_version", 0)


class SessionSweeper:
    def __init__(self, sio: socketio.AsyncServer, validate: Validate, *, interval: float = 2.0) -> None:
        self.sio = sio
        self.validate = validate
        self.interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="session-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def wake(self, *_: object) -> None:
        """Sweep now (callable from any thread, e.g. a request's worker thread after its commit)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
            try:
                await self.sweep()
            except Exception:  # the database may be down: try again next round, never stop sweeping
                log.exception("session sweep failed")

    async def sweep(self) -> int:
        """Disconnect this process's sockets whose identity no longer validates; returns how many."""
        sockets: dict[str, Identity] = {}
        for sid, _eio_sid in list(self.sio.manager.get_participants(NAMESPACE, None)):
            try:
                identity = identity_of(await self.sio.get_session(sid, namespace=NAMESPACE))
            except KeyError:  # gone meanwhile
                continue
            if identity is not None:
                sockets[sid] = identity
        if not sockets:
            return 0
        valid = await run_in_threadpool(self.validate, set(sockets.values()))
        ended = [sid for sid, identity in sockets.items() if identity not in valid]
        for sid in ended:
            log.info("disconnecting socket %s: its session has ended", sid)
            await self.sio.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
        return len(ended)
