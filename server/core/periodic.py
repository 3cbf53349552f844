"""A blocking job run every `interval` seconds in a worker thread, for the app's lifespan (the no-show task).

It is handed the job, so it knows nothing of what it does. The first round runs at start (a server that was down
catches up at once); a failing round is logged and the next one runs as usual. `interval <= 0` disables it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)


class PeriodicJob:
    def __init__(self, name: str, job: Callable[[], object], *, interval: float) -> None:
        self.name = name
        self.job = job
        self.interval = interval
        self.rounds = 0  # rounds finished (with or without an error), for tests and tools
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self.enabled and not self.running:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def run_once(self) -> object:
        """One round now, in a worker thread (the job reads the database)."""
        try:
            return await run_in_threadpool(self.job)
        finally:
            self.rounds += 1

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the database may be down: try again next round, never stop
                log.exception("%s failed", self.name)
            await asyncio.sleep(self.interval)
