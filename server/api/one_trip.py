"""Each request's database work in ONE trip to the thread pool (issue 11).

FastAPI runs a plain `def` route in a worker thread, then, back on the event loop, validates its answer against
the response model in ANOTHER worker-thread trip (it does so for every sync route), and the session dependency
closes a session still in a transaction (a read) in a third. Every trip is a wake-up of a worker thread and of
the event loop on the request's path; the read profile of issue 11 spent more time there than in the database.

`run_in_one_trip` turns every sync route into an async one that runs the route AND ends its session's
transaction in a single worker-thread trip; FastAPI then validates the answer on the loop (a pydantic model, no
I/O: the routes answer schemas built by the services, never ORM rows). psycopg2 still never runs on the loop.

The session is closed here only when it is the request's own (`server.core.db.get_session` marks it) and the
answer is not a stream (a streamed body reads from the session later; `get_session` closes that one)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from server.core.db import owns_request_session


def _close_request_sessions(arguments: dict[str, Any]) -> None:
    for value in arguments.values():
        if isinstance(value, Session) and owns_request_session(value):
            value.close()  # rolls back a read's transaction and gives the connection back, in this thread


def _call_and_release(endpoint: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    try:
        result = endpoint(**arguments)
    except BaseException:
        _close_request_sessions(arguments)
        raise
    if not isinstance(result, StreamingResponse):
        _close_request_sessions(arguments)
    return result


def one_trip(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The async form of a sync route: the route and the end of its session's transaction in one thread trip."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(**arguments: Any) -> Any:
        return await run_in_threadpool(_call_and_release, endpoint, arguments)

    run.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    return run


async def in_one_trip(endpoint: Callable[..., Any], **arguments: Any) -> Any:
    """Run a sync part of an async route the way `one_trip` runs a sync route: with the end of its session's
    transaction, in one worker-thread trip (a route with a fast path on the loop, e.g. GET /queue)."""
    return await run_in_threadpool(_call_and_release, endpoint, arguments)


def run_in_one_trip(router: APIRouter) -> APIRouter:
    """Wrap every sync route of `router` (before it is included: inclusion rebuilds the routes from `endpoint`)."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            route.endpoint = one_trip(route.endpoint)
    return router
