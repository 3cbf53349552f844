"""The ASGI application: FastAPI for HTTP wrapped by Socket.IO, on one port."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI, Response

from common.schemas import HealthOut
from common.version import VERSION
from server.api.responses import COMMON
from server.api.routes import ROUTERS
from server.core.dbwatch import DatabaseWatch, database_problem
from server.core.errors import install_error_handlers
from server.core.versioning import VersionHandshake
from server.realtime.sio import attach_to_bus, create_sio, detach_from_bus


def create_app() -> socketio.ASGIApp:
    sio = create_sio()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await attach_to_bus(sio)
        watch = DatabaseWatch()  # restarts a dead embedded PostgreSQL; logs the database going down and up
        watch.start()
        try:
            yield
        finally:
            await watch.stop()
            await detach_from_bus(sio)

    api = FastAPI(
        title="Clinic CRM",
        version=VERSION,
        description="Front desk ↔ consulting room. Socket.IO is served on the same port at /socket.io.",
        lifespan=lifespan,
    )
    install_error_handlers(api)
    api.add_middleware(VersionHandshake)
    for router in ROUTERS:
        api.include_router(router, responses=COMMON)

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

    app = socketio.ASGIApp(sio, other_asgi_app=api)
    app.api = api  # type: ignore[attr-defined]  (tests and tools reach the FastAPI app here)
    app.sio = sio  # type: ignore[attr-defined]
    return app
