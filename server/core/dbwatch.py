"""The database's health, as `/health` reports it, and the watch that keeps the embedded one running.

`database_problem()` asks the database now (one `SELECT 1` through the pool) and returns None or the reason.
`DatabaseWatch` runs beside the server: with the embedded PostgreSQL it notices when the postmaster has died
and starts it again with backoff (0.5 s doubling to 30 s), then drops the pool's dead connections; with an
external DATABASE_URL there is nothing to restart, and the pool (pre-ping, connect timeout) reconnects as soon
as the database answers again. Either way it logs each change between up and down once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from server.core import db

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 1.0
FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return first_line[:300]


def database_problem() -> str | None:
    """None when the database answers a query now, else why not (one line, for /health and the log)."""
    if db.uses_embedded_database():
        from server.core import embedded_pg

        if embedded_pg.is_started() and not embedded_pg.is_running():
            return "the embedded PostgreSQL is not running (restarting it)"
    try:
        with db.get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        return _reason(exc)
    return None


def wait_for_database(*, max_backoff: float = MAX_BACKOFF_SECONDS) -> None:
    """Block until the database answers, retrying with backoff (a server started before its database)."""
    delay = FIRST_BACKOFF_SECONDS
    while (problem := database_problem()) is not None:
        log.warning("database unavailable (%s); retrying in %.1f s", problem, delay)
        time.sleep(delay)
        delay = min(delay * 2, max_backoff)


class DatabaseWatch:
    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self.restarts = 0
        self._down_since: float | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="database-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        delay = FIRST_BACKOFF_SECONDS
        while True:
            problem = await run_in_threadpool(database_problem)
            self._note(problem)
            if problem is not None and db.uses_embedded_database() and await self._restart_embedded():
                delay = FIRST_BACKOFF_SECONDS
                continue
            if problem is None:
                delay = FIRST_BACKOFF_SECONDS
                await asyncio.sleep(CHECK_EVERY_SECONDS)
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _restart_embedded(self) -> bool:
        from server.core import embedded_pg

        if not embedded_pg.is_started() or embedded_pg.is_running():
            return False
        log.warning("the embedded PostgreSQL has stopped; starting it again")
        try:
            await run_in_threadpool(embedded_pg.restart)
        except Exception as exc:  # it may not start yet (its old processes still exiting): back off, retry
            log.warning("the embedded PostgreSQL did not start: %s", _reason(exc))
            return False
        self.restarts += 1
        db.get_engine().dispose()  # the pool's connections died with the old postmaster
        log.warning("the embedded PostgreSQL is running again (restart %d)", self.restarts)
        return True

    def _note(self, problem: str | None) -> None:
        if problem is not None and self._down_since is None:
            self._down_since = time.monotonic()
            log.error("database unavailable: %s", problem)
        elif problem is None and self._down_since is not None:
            log.warning("database available again after %.1f s", time.monotonic() - self._down_since)
            self._down_since = None
