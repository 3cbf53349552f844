"""Loaded by the product server that `benchmarks/push_stages.py` starts (this folder is put first on its
PYTHONPATH; nothing else loads it): it timestamps the stages of `POST /queue/phase/move` with
`time.perf_counter()` — CLOCK_MONOTONIC, the same clock in every process of the machine, so the benchmark can lay
the server's marks between its own send and receive — and writes them to $PUSH_STAGES_OUT when the server stops.

Marks: the request entering the ASGI app and its response starting; the worker-thread trip; the state machine
(`change_visit_status`) and its parts (the locking read, the send-limit check, the history, the outbox's
numbering); every SQL statement's start and end; the emit of `patient_with_doctor`."""

from __future__ import annotations

import atexit
import importlib.abc
import importlib.machinery
import os
import signal
import sys
import threading
import time
from types import ModuleType
from typing import Any

OUT = os.environ.get("PUSH_STAGES_OUT")
MARKS: list[tuple[str, str, float]] = []
MOVE = "/queue/phase/move"


def mark(stage: str, detail: str = "") -> None:
    MARKS.append((stage, detail, time.perf_counter()))


def _dump() -> None:
    if OUT:
        with open(OUT, "w", encoding="utf-8") as fh:
            fh.writelines(f"{s}\t{d}\t{t:.7f}\n" for s, d, t in MARKS)


def _timed(fn: Any, name: str) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        mark(name + ":start")
        try:
            return fn(*args, **kwargs)
        finally:
            mark(name + ":end")

    return run


def _patch_main(mod: ModuleType) -> None:
    call = mod.ClinicApp.__call__

    async def traced(self: Any, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != MOVE:
            return await call(self, scope, receive, send)
        mark("asgi_in")

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                mark("response_start")
            await send(message)

        return await call(self, scope, receive, sending)

    mod.ClinicApp.__call__ = traced

    def stop(*_: Any) -> None:
        _dump()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)


def _patch_one_trip(mod: ModuleType) -> None:
    mod._call_and_release = _timed(mod._call_and_release, "thread")


def _patch_queue(mod: ModuleType) -> None:
    mod.change_visit_status = _timed(mod.change_visit_status, "state_machine")
    mod.resolve = _timed(mod.resolve, "lock_visit")
    mod._refuse_busy_doctor = _timed(mod._refuse_busy_doctor, "send_limit")
    mod.history_service.recent_visits_with_doctor = _timed(mod.history_service.recent_visits_with_doctor, "history")

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            mark("sql:start", statement.split(None, 1)[0])

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            mark("sql:end")

    @event.listens_for(Engine, "commit")
    def _commit(*_: Any) -> None:
        mark("sql:start", "COMMIT")

    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_commit")
    def _committed(*_: Any) -> None:
        mark("sql:end")


def _patch_outbox(mod: ModuleType) -> None:
    mod._number = _timed(mod._number, "number_rooms")


def _patch_sio(mod: ModuleType) -> None:
    make = mod.emitter

    def emitter(sio: Any) -> Any:
        emit = make(sio)

        async def traced(item: Any) -> None:
            if item.name != "patient_with_doctor":
                return await emit(item)
            mark("emit:start")
            await emit(item)
            mark("emit:end")

        return traced

    mod.emitter = emitter


PATCHES = {
    "server.main": _patch_main,
    "server.api.one_trip": _patch_one_trip,
    "server.services.queue": _patch_queue,
    "server.services.outbox": _patch_outbox,
    "server.realtime.sio": _patch_sio,
}


class _Finder(importlib.abc.MetaPathFinder):
    """Patches each module above right after it is first executed."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        patch = PATCHES.pop(name, None)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        assert spec is not None and spec.loader is not None
        execute = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            patch(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if OUT:
    sys.meta_path.insert(0, _Finder())
    atexit.register(_dump)
