"""`ViewModel`: the one base of every view-model in both apps.

A view-model owns the network calls of a screen and talks to its widgets through signals only. The base gives
each of them the same four things:

- `spawn(coro)`: run a coroutine on the qasync loop, keep a reference to it (asyncio keeps only weak ones) and
  cancel it on `close()`; a failure becomes one human message on `error` (an ApiError's own text, one neutral
  line otherwise — never a traceback), and a bug is logged, it never kills the loop. The view-model is busy
  while it runs, unless `quiet=True` (background saves a screen should not grey out for).
- `busy`: a counter behind `busy_changed(bool)`; `async with self.working():` or `await self.run(coro)` mark
  foreground work (run lets ApiError through for the caller to present).
- `refresh()` / `refresh_soon()`: `load()` now, or once after a quiet period however many times it is asked
  (ten socket events → one request). `load()` is the subclass's one way to fetch what it shows.
- `close()`: cancel every task and pending debounce (the window closes, a test ends).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from common.qt.async_tools import Debouncer, TaskKeeper
from common.qt.banner import human_message
from common.qt.formatting import local_today

log = logging.getLogger(__name__)
T = TypeVar("T")


class ViewModel(QObject):
    error = Signal(str)  # a human message for the window's banner
    info = Signal(str)  # a short confirmation ("Payment taken")
    busy_changed = Signal(bool)

    DEBOUNCE_MS = 150  # refresh_soon(): how long a burst of asks is gathered into one load()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keeper = TaskKeeper()
        self._busy = 0
        self._closed = False
        self._debouncers: list[Debouncer] = []
        self._refresh = self.debouncer(self.DEBOUNCE_MS, self.refresh)
        self.fetch_count = 0  # how many times load() ran (tests: a burst of events → one fetch)
        self._day_followed: date | None = None
        self.shown = True  # the window says when its screen is hidden (see refresh_if_shown)

    # --- what a subclass provides --------------------------------------------------------------------------

    async def load(self) -> Any:
        """Fetch what this view-model shows and publish it (signals, models)."""
        raise NotImplementedError

    # --- loading ---------------------------------------------------------------------------------------------

    def refresh(self, *_: Any) -> None:
        """Load now (a pending debounced load is dropped: this one covers it)."""
        self._refresh.cancel()
        self.spawn(self._load_counted())

    def follow_day(self, shown: date | None, today: date | None = None) -> None:
        """For a screen of "today" (the board, Today's Work), called on its clock tick: once the clinic's local
        day has moved past the day it shows (midnight came while the window was open), refetch once. The server
        then answers the new day, which still holds the visits open since before midnight."""
        today = today or local_today()
        if shown is not None and shown < today and self._day_followed != today:
            self._day_followed = today
            self.refresh_soon()

    def refresh_soon(self, *_: Any) -> None:
        """Load once after a quiet period, however many times this is called meanwhile."""
        if not self._closed:
            self._refresh.trigger()

    def refresh_if_shown(self, *_: Any) -> None:
        """A live event touched what this shows: refetch soon while its screen is shown. A hidden screen does
        nothing now (a busy desk sends several events a second); it refetches when it is opened."""
        if self.shown:
            self.refresh_soon()

    def keep_fresh(self, *_: Any) -> None:
        """A live event touched what this shows: refetch soon, if it was ever loaded (a screen never opened
        stays unloaded until it is)."""
        if self.fetch_count:
            self.refresh_soon()

    def resync(self, *_: Any) -> None:
        """Events were missed (a seq gap, a reconnect): refetch now, if it was ever loaded."""
        if self.fetch_count:
            self.refresh()

    async def _load_counted(self) -> Any:
        self.fetch_count += 1
        return await self.load()

    # --- tasks -----------------------------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, T], *, quiet: bool = False) -> asyncio.Task[T | None] | None:
        """Run a coroutine in the background (busy meanwhile unless `quiet`); a failure becomes an `error`."""
        if self._closed:
            coro.close()
            return None
        return self._keeper.spawn(self._guarded(coro, quiet), name=type(self).__name__)

    async def _guarded(self, coro: Coroutine[Any, Any, T], quiet: bool) -> T | None:
        if not quiet:
            self._set_busy(+1)
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug shows a message; it must not kill the loop or reach the user raw
            self._report(human_message(exc))
        finally:
            if not quiet:
                self._set_busy(-1)
        return None

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await a call in the foreground (busy shown), letting ApiError through for the caller to present."""
        async with self.working():
            return await coro

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        self._set_busy(+1)
        try:
            yield
        finally:
            self._set_busy(-1)

    def _report(self, message: str) -> None:
        if not self._closed:
            self.error.emit(message)

    def _set_busy(self, delta: int) -> None:
        was = self._busy > 0
        self._busy = max(0, self._busy + delta)
        if not self._closed and was != (self._busy > 0):
            self.busy_changed.emit(self._busy > 0)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def debouncer(self, delay_ms: int, action: Callable[[], Any]) -> Debouncer:
        """A burst of triggers → one `action()` after `delay_ms` of quiet (cancelled by close())."""

        def fire() -> None:  # returns nothing, so the debouncer never awaits (or cancels) a spawned task
            action()

        debouncer = Debouncer(delay_ms / 1000, fire)
        self._debouncers.append(debouncer)
        return debouncer

    @property
    def pending(self) -> int:
        """Tasks running, plus one for any debounced call not yet made (tests wait for 0)."""
        return len(self._keeper) + sum(1 for d in self._debouncers if d.pending)

    async def wait_idle(self) -> None:
        """Await every running task and debounced call (tests and shutdown)."""
        while self.pending:
            if len(self._keeper):
                await asyncio.gather(*self._keeper.tasks, return_exceptions=True)
            else:
                await asyncio.sleep(0.02)

    def close(self) -> None:
        self._closed = True
        for debouncer in self._debouncers:
            debouncer.cancel()
        self._keeper.cancel_all()
