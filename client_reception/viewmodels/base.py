"""The base of every reception view-model: keeps its asyncio tasks, reports busy state, turns failures into
human messages for the ErrorBanner (never a traceback)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from common.client import ApiError
from common.qt.async_tools import Debouncer, TaskKeeper

log = logging.getLogger(__name__)
T = TypeVar("T")


class ViewModel(QObject):
    error = Signal(str)  # a human message
    info = Signal(str)  # a short confirmation ("Payment taken")
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A task referenced only by the loop may be garbage-collected mid-flight: the keeper holds them.
        self._keeper = TaskKeeper()
        self._busy = 0
        self._debouncers: list[Debouncer] = []
        self._closed = False

    # --- tasks ------------------------------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T | None] | None:
        """Run a coroutine on the qasync loop; errors become `error` messages."""
        if self._closed:
            coro.close()
            return None
        return self._keeper.spawn(self._guarded(coro))

    async def _guarded(self, coro: Coroutine[Any, Any, T]) -> T | None:
        self._set_busy(+1)
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except ApiError as exc:
            self._report(exc.message)
        except Exception:  # a bug shows a message; it must not kill the loop or reach the user as a traceback
            log.exception("reception task failed")
            self._report("Something went wrong; please try again.")
        finally:
            self._set_busy(-1)
        return None

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await a call in the foreground (busy shown), letting ApiError through for the caller to present."""
        self._set_busy(+1)
        try:
            return await coro
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
        """A burst of triggers → one `action()` after `delay_ms` of quiet (kept so close() can cancel it)."""

        def fire() -> None:  # returns nothing, so the debouncer never awaits (or cancels) a spawned task
            action()

        debouncer = Debouncer(delay_ms / 1000, fire)
        self._debouncers.append(debouncer)
        return debouncer

    @property
    def pending(self) -> int:
        return len(self._keeper)

    async def wait_idle(self) -> None:
        """Await every running task (tests and shutdown)."""
        while len(self._keeper):
            await asyncio.gather(*self._keeper.tasks, return_exceptions=True)

    def close(self) -> None:
        self._closed = True
        for debouncer in self._debouncers:
            debouncer.cancel()
        self._keeper.cancel_all()
