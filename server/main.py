"""The ASGI application: FastAPI for HTTP wrapped by Socket.IO, on one port."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI

from common.schemas import HealthOut
from server.api.responses import COMMON
from server.api.routes import ROUTERS
from server.core import revocations
from server.core.config import get_settings
from server.core.db import new_session
from server.core.errors import install_error_handlers
from server.core.limits import BodySizeLimit
from server.realtime.sio import attach_to_bus, create_sio, detach_from_bus
from server.realtime.sweeper import Identity, SessionSweeper
from server.services import auth as auth_service


def _still_valid(identities: set[Identity]) -> set[Identity]:
    """What the socket sweeper is handed: which socket identities still stand (realtime never imports services)."""
    with new_session() as session:
        return auth_service.valid_identities(session, identities)


def create_app() -> socketio.ASGIApp:
    sio = create_sio()
    sweeper = SessionSweeper(sio, _still_valid, interval=get_settings().session_sweep_seconds)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await attach_to_bus(sio)
        await sweeper.start()
        revocations.listen(sweeper.wake)  # an admin action in this process disconnects at once
        try:
            yield
        finally:
            revocations.unlisten(sweeper.wake)
            await sweeper.stop()
            await detach_from_bus(sio)

    api = FastAPI(
        title="Clinic CRM",
        version="0.1.0",
        description="Front desk ↔ consulting room. Socket.IO is served on the same port at /socket.io.",
        lifespan=lifespan,
    )
    install_error_handlers(api)
    api.add_middleware(BodySizeLimit, max_bytes=get_settings().max_body_bytes)
    for router in ROUTERS:
        api.include_router(router, responses=COMMON)

    @api.get("/health", tags=["meta"], response_model=HealthOut)
    def health() -> HealthOut:
        return HealthOut()

    app = socketio.ASGIApp(sio, other_asgi_app=api)
    app.api = api  # type: ignore[attr-defined]  (tests and tools reach the FastAPI app here)
    app.sio = sio  # type: ignore[attr-defined]
    app.sweeper = sweeper  # type: ignore[attr-defined]
    return app
