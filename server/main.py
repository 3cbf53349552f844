"""The ASGI application: FastAPI for HTTP wrapped by Socket.IO, on one port."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI

from common.schemas import HealthOut
from server.api.responses import COMMON
from server.api.routes import ROUTERS
from server.api.socket_auth import authenticate_socket
from server.core.config import get_settings
from server.core.errors import install_error_handlers
from server.realtime.sio import attach_to_bus, create_sio, detach_from_bus


class ClinicApp(socketio.ASGIApp):
    """The ASGI app: Socket.IO wrapping FastAPI, with both at hand for tests and tools (`.api`, `.sio`)."""

    def __init__(self, sio: socketio.AsyncServer, api: FastAPI) -> None:
        super().__init__(sio, other_asgi_app=api)
        self.api = api
        self.sio = sio


def create_app() -> ClinicApp:
    sio = create_sio(authenticate_socket, redis_url=get_settings().redis_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sink = await attach_to_bus(sio)
        try:
            yield
        finally:
            await detach_from_bus(sink)

    api = FastAPI(
        title="Clinic CRM",
        version="0.1.0",
        description="Front desk ↔ consulting room. Socket.IO is served on the same port at /socket.io.",
        lifespan=lifespan,
    )
    install_error_handlers(api)
    for router in ROUTERS:
        api.include_router(router, responses=COMMON)

    @api.get("/health", tags=["meta"], response_model=HealthOut)
    def health() -> HealthOut:
        return HealthOut()

    return ClinicApp(sio, api)
