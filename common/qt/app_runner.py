"""The qasync entry point both apps share: `run_app(main_coro_factory, app_name)`.

Quitting: Qt's own quit (`QApplication.quit()`, the last window closing) ends `app.exec()` at once, and with it
the asyncio loop, so nothing awaitable can run afterwards ("no running event loop"). So the runner turns
auto-quit off and treats "last window closed" and `request_quit()` as a *request*: the main coroutine wakes,
the shutdown hooks (close sockets, the HTTP client, cancel tasks) are awaited, and only then the loop ends.
`aboutToQuit` can fire more than once (once per exit path); the handler is idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import qasync
from PySide6.QtWidgets import QApplication

from common.qt.async_tools import TaskKeeper
from common.qt.gc_guard import MainThreadGarbageCollector
from common.qt.indicator import ConnectionIndicator
from common.qt.refcount_guard import guard_none_refcount

log = logging.getLogger(__name__)

ORGANIZATION = "ClinicCRM"
ShutdownHook = Callable[[], Awaitable[Any] | Any]

__all__ = ["ORGANIZATION", "AppRuntime", "ConnectionIndicator", "current_runtime", "run_app"]


class AppRuntime:
    """What a running app may use: `tasks` (kept and cancelled at exit), `on_shutdown()`, `request_quit()`."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.tasks = TaskKeeper()
        self.exit_code = 0
        self._hooks: list[ShutdownHook] = []
        self._quit: asyncio.Future[None] | None = None
        self.quitting = False

    def on_shutdown(self, hook: ShutdownHook) -> None:
        """Run at exit, last registered first (like a stack of `finally`s)."""
        self._hooks.append(hook)

    def request_quit(self, code: int = 0) -> None:
        """Ask for a clean exit (use instead of QApplication.quit())."""
        if self.quitting:
            return
        self.quitting = True
        self.exit_code = code
        if self._quit is not None and not self._quit.done():
            self._quit.set_result(None)

    async def _run_hooks(self, timeout: float) -> None:
        # After Qt quit by itself qasync may still step this coroutine with no running loop: then only the
        # synchronous part of each hook can run.
        loop_alive = _loop_running()
        for hook in reversed(self._hooks):
            try:
                result = hook()
                if inspect.isawaitable(result):
                    if loop_alive:
                        await asyncio.wait_for(result, timeout)
                    elif inspect.iscoroutine(result):
                        result.close()
            except Exception:
                log.exception("shutdown hook failed")
        if loop_alive:
            await self.tasks.close()
        else:
            self.tasks.cancel_all()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


_runtime: AppRuntime | None = None


def current_runtime() -> AppRuntime:
    if _runtime is None:
        raise RuntimeError("no app is running (use run_app)")
    return _runtime


def run_app(
    main_coro_factory: Callable[[], Awaitable[Any]],
    app_name: str,
    *,
    organization: str = ORGANIZATION,
    argv: Sequence[str] | None = None,
    shutdown_timeout: float = 5.0,
) -> int:
    """Create the QApplication (org/app names set, so QSettings() is per app), run `main_coro_factory()` on a
    qasync loop, and keep running until the last window closes or `request_quit()` is called. If the main
    coroutine returns False (e.g. the login was cancelled) the app exits at once. Returns the exit code."""
    global _runtime
    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(organization)
    app.setApplicationName(app_name)
    app.setQuitOnLastWindowClosed(False)
    guard_none_refcount()  # an affected PySide6 would abort Python 3.11 within minutes (issue 10)
    runtime = _runtime = AppRuntime(app)
    collector = MainThreadGarbageCollector(parent=app)  # Qt objects must die on the GUI thread

    def about_to_quit() -> None:  # may fire twice (and fires on our own clean exit too): act once, if at all
        if runtime.quitting:
            return
        # Qt is quitting by itself (QApplication.quit(), the session ending): the loop is about to stop, so
        # coroutines cannot be resumed any more. Only synchronous clean-up is possible: cancel what is running.
        log.info("Qt is quitting by itself; cancelling background tasks")
        runtime.quitting = True
        runtime.tasks.cancel_all()

    async def runner() -> int:
        runtime._quit = asyncio.get_running_loop().create_future()
        app.aboutToQuit.connect(about_to_quit)
        try:
            result = await main_coro_factory()
            if result is False:
                return runtime.exit_code
            app.lastWindowClosed.connect(runtime.request_quit)
            if not any(w.isVisible() for w in app.topLevelWidgets()):
                runtime.request_quit()
            if not runtime.quitting:
                await runtime._quit
            return runtime.exit_code
        finally:
            await runtime._run_hooks(shutdown_timeout)

    try:
        return cast(int, qasync.run(runner()))  # qasync is untyped: run() gives back runner()'s int
    except (asyncio.CancelledError, RuntimeError) as exc:
        # Qt quit first (e.g. the session is ending): the loop is gone; what could be closed was cancelled.
        log.info("event loop ended early: %s", exc)
        return runtime.exit_code
    finally:
        _runtime = None
        collector.stop()
        with contextlib.suppress(RuntimeError, TypeError):
            app.aboutToQuit.disconnect(about_to_quit)
