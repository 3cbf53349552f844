"""The base of every doctor view-model: owns its asyncio tasks and turns failures into human messages."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from common.qt.async_tools import TaskKeeper
from common.qt.banner import human_message


class ViewModel(QObject):
    error = Signal(str)  # a human message for the ErrorBanner, never a traceback
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The keeper holds task references (asyncio keeps weak ones) and cancels them on close.
        self._tasks = TaskKeeper(on_error=self._report)
        self._closed = False

    def _report(self, exc: BaseException) -> None:
        if not self._closed:
            self.error.emit(human_message(exc))

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        if self._closed:
            coro.close()
            return None
        return self._tasks.spawn(coro, name=type(self).__name__)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def wait_idle(self) -> None:
        """Await every running task (tests and shutdown)."""
        while len(self._tasks):
            await asyncio.gather(*self._tasks.tasks, return_exceptions=True)

    def close(self) -> None:
        self._closed = True
        self._tasks.cancel_all()
