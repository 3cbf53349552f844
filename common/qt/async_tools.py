"""Small asyncio helpers for the apps (they work on any running loop, qasync's included).

`TaskKeeper` holds references to background tasks (asyncio keeps only weak ones, so an unreferenced task can be
garbage-collected mid-flight) and cancels them on close, so a closed window leaves nothing running.
`Debouncer` turns a burst of triggers (ten socket events at once) into one call after a quiet period.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]


class TaskKeeper:
    """Starts tasks, keeps them until they finish, reports their failures, cancels the rest on `close()`."""

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error
        self._closed = False

    def __len__(self) -> int:
        return len(self._tasks)

    @property
    def tasks(self) -> frozenset[asyncio.Task[Any]]:
        return frozenset(self._tasks)

    def spawn(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        name: str | None = None,
        on_error: ErrorHandler | None = None,
    ) -> asyncio.Task[T]:
        """Run a coroutine in the background; an exception goes to `on_error` (or the keeper's), never lost."""
        if self._closed:
            coro.close()
            raise RuntimeError("this TaskKeeper is closed")
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._finished(t, on_error))
        return task

    def _finished(self, task: asyncio.Task[Any], on_error: ErrorHandler | None) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        handler = on_error or self._on_error
        if handler is None:
            log.error("background task %s failed", task.get_name(), exc_info=exc)
            return
        try:
            handler(exc)
        except Exception:
            log.exception("error handler of task %s failed", task.get_name())

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def close(self) -> None:
        """Cancel every task and wait until they have all stopped."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


class Debouncer:
    """Call `callback` once, `delay` seconds after the last `trigger()` of a burst.

    A steady stream of triggers cannot postpone the call for ever: after `max_wait` seconds (default 3 × delay)
    since the first trigger of a burst the call happens anyway. A trigger while the callback runs schedules one
    more call afterwards, so the last change is never missed. The callback may be a plain function or a coroutine
    function; calls never overlap.
    """

    def __init__(
        self,
        delay: float,
        callback: Callable[[], Awaitable[Any] | Any],
        *,
        max_wait: float | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None:
        self.delay = delay
        self.max_wait = max_wait if max_wait is not None else 3 * delay
        self._callback = callback
        self._on_error = on_error
        self._first: float | None = None
        self._last: float | None = None
        self._task: asyncio.Task[None] | None = None
        self.calls = 0  # how many times the callback ran (tests and diagnostics)

    @property
    def pending(self) -> bool:
        return self._first is not None

    def trigger(self) -> None:
        now = asyncio.get_event_loop().time()
        if self._first is None:
            self._first = now
        self._last = now
        if self._task is None or self._task.done():
            self._task = asyncio.get_event_loop().create_task(self._run(), name="debouncer")

    def __call__(self, *_: Any) -> None:
        """So a Qt signal can be connected straight to a debouncer: `signal.connect(debouncer)`."""
        self.trigger()

    async def _run(self) -> None:
        loop = asyncio.get_event_loop()
        while self._first is not None and self._last is not None:
            due = min(self._last + self.delay, self._first + self.max_wait)
            if loop.time() < due:
                await asyncio.sleep(due - loop.time())
                continue  # re-read: a trigger may have moved `_last` while sleeping
            self._first = self._last = None
            await self._invoke()

    async def _invoke(self) -> None:
        self.calls += 1
        try:
            result = self._callback()
            if inspect.isawaitable(result):
                await result
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if self._on_error is None:
                log.exception("debounced callback failed")
            else:
                self._on_error(exc)

    async def flush(self) -> None:
        """Run a pending call now."""
        if self._first is None:
            return
        self._first = self._last = None
        await self._invoke()

    def cancel(self) -> None:
        """Drop a pending call (e.g. the view is closing)."""
        self._first = self._last = None
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def aclose(self) -> None:
        task = self._task
        self.cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
