"""The ASGI application: FastAPI for HTTP wrapped by Socket.IO, on one port."""

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import socketio
from fastapi import FastAPI, Response

from common.schemas import HealthOut
from common.version import VERSION
from server.api.display_feed import check_display_token, display_channel, display_state_json
from server.api.one_trip import run_in_one_trip
from server.api.responses import COMMON
from server.api.routes import ROUTERS
from server.api.socket_auth import authenticate_socket, still_valid_identities
from server.core import logredact, revocations
from server.core.config import get_settings
from server.core.db import dbapi_connect
from server.core.dbwatch import DatabaseWatch, database_problem
from server.core.errors import install_error_handlers
from server.core.limits import BodySizeLimit
from server.core.periodic import PeriodicJob
from server.core.pg_listen import PgListener
from server.core.versioning import VersionHandshake
from server.realtime.bus import bus
from server.realtime.display import DisplayHub
from server.realtime.sio import attach_to_bus, create_sio, detach_from_bus
from server.realtime.sweeper import SessionSweeper
from server.services import auth_cache, no_shows


class ClinicApp(socketio.ASGIApp):
    """The ASGI app: Socket.IO wrapping FastAPI, with its parts at hand for tests and tools (`.api`, `.sio`,
    `.sweeper`, `.no_shows`)."""

    def __init__(
        self,
        sio: socketio.AsyncServer,
        api: FastAPI,
        sweeper: SessionSweeper,
        no_shows: PeriodicJob,
        auth_listener: PgListener,
    ) -> None:
        super().__init__(sio, other_asgi_app=api)
        self.api = api
        self.sio = sio
        self.sweeper = sweeper
        self.no_shows = no_shows
        self.auth_listener = auth_listener


def create_app() -> ClinicApp:
    settings = get_settings()
    logredact.install()  # display tokens ride in URLs: never in the access log
    sio = create_sio(authenticate_socket, redis_url=settings.redis_url, max_message_bytes=settings.max_body_bytes)
    sweeper = SessionSweeper(sio, still_valid_identities, interval=settings.session_sweep_seconds)
    # Appointments not checked in in time become NO_SHOW (safe with several processes: see services/no_shows.py).
    no_show_task = PeriodicJob("no-show-sweep", no_shows.sweep, interval=settings.no_show_sweep_seconds)
    # the waiting-room screens' SSE feed, fed by the same bus as the sockets (and Redis across processes)
    display_hub = DisplayHub(
        display_state_json, check_display_token, redis_url=settings.redis_url, channel=display_channel(settings)
    )

    # Hears every change of a user or doctor row, from any process, so the auth cache can drop it (and answers
    # nothing while it cannot hear: services/auth_cache.py).
    auth_listener = PgListener(
        auth_cache.CHANNEL,
        dbapi_connect,
        auth_cache.cache.invalidate_payload,
        on_up=auth_cache.cache.listener_up,
        on_down=auth_cache.cache.listener_down,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        logredact.install()  # again, in case the runner configured its logging after create_app()
        auth_listener.start()
        sink = await attach_to_bus(sio)
        await display_hub.start()
        bus.add_sink(display_hub.sink)
        watch = DatabaseWatch()  # restarts a dead embedded PostgreSQL; logs the database going down and up
        watch.start()
        await sweeper.start()
        revocations.listen(sweeper.wake)  # an admin action in this process disconnects at once
        await no_show_task.start()
        # Everything built so far (modules, the app, its routes and schemas) lives as long as the process: moved
        # out of the collector's reach, a full collection no longer walks it (one took ~110 ms mid-request, every
        # few dozen requests at first: the p99 of a 15 ms search was 125 ms). Only in a server process (uvicorn
        # runs the lifespan on the main thread): an app run on another program's thread (a test's TestClient,
        # beside Qt objects) must not collect that program's garbage off its thread — it crashed Qt.
        if threading.current_thread() is threading.main_thread():
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await no_show_task.stop()
            revocations.unlisten(sweeper.wake)
            await sweeper.stop()
            await watch.stop()
            bus.remove_sink(display_hub.sink)
            await display_hub.stop()
            await detach_from_bus(sink)
            await anyio.to_thread.run_sync(auth_listener.stop)

    api = FastAPI(
        title="Clinic CRM",
        version=VERSION,
        description="Front desk ↔ consulting room. Socket.IO is served on the same port at /socket.io.",
        lifespan=lifespan,
    )
    api.state.display_hub = display_hub
    install_error_handlers(api)
    api.add_middleware(BodySizeLimit, max_bytes=get_settings().max_body_bytes)
    api.add_middleware(VersionHandshake)
    for router in ROUTERS:
        api.include_router(run_in_one_trip(router), responses=COMMON)

    @api.get(
        "/health",
        tags=["meta"],
        response_model=HealthOut,
        responses={503: {"model": HealthOut, "description": "The database is unavailable (the reason is given)"}},
    )
    def health(response: Response) -> HealthOut:
        """The server's version and whether its database answers now (503 with the reason while it does not)."""
        problem = database_problem()
        if problem is not None:
            response.status_code = 503
            response.headers["Retry-After"] = "1"
            return HealthOut(status="unavailable", version=VERSION, database=problem)
        return HealthOut(version=VERSION)

    return ClinicApp(sio, api, sweeper, no_show_task, auth_listener)
