"""The ASGI application: FastAPI for HTTP wrapped by Socket.IO, on one port."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI

from common.schemas import HealthOut
from server.api.responses import COMMON
from server.api.routes import ROUTERS
from server.core.config import get_settings
from server.core.errors import install_error_handlers
from server.core.limits import BodySizeLimit
from server.realtime.sio import attach_to_bus, create_sio, detach_from_bus


def create_app() -> socketio.ASGIApp:
    sio = create_sio()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await attach_to_bus(sio)
        try:
            yield
        finally:
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
    return app
