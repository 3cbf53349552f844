"""The version handshake (common/version.py): `X-Server-Version` on every HTTP response, and 426 Upgrade
Required with a sentence a person can act on for a desktop app older than the oldest this server speaks to.

A request without `X-Client-Version` (a browser, a script, the waiting-room display) is served as before."""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.version import (
    APP_LABELS,
    CLIENT_VERSION_HEADER,
    SERVER_VERSION_HEADER,
    VERSION,
    parse_client_header,
    parse_version,
)

# The oldest release of each app whose requests this server still understands. Raise one when a change of the
# API would break that app (a removed route or field, a new required field): the app then tells its user to
# update instead of failing in some screen.
MIN_CLIENT_VERSIONS: dict[str, str] = {"reception": "0.2.0", "doctor": "0.2.0"}

_CLIENT_HEADER = CLIENT_VERSION_HEADER.lower().encode("latin-1")


def upgrade_message(app: str) -> str | None:
    """None if `app` ("reception/0.1.0") may talk to this server, else what its user should do."""
    name, version = parse_client_header(app)
    minimum = MIN_CLIENT_VERSIONS.get(name)
    if minimum is None:
        return None
    needed = parse_version(minimum)
    assert needed is not None
    if version is not None and version >= needed:
        return None
    label = APP_LABELS.get(name, name)
    return f"please update the {label} app to version {minimum} or newer (this server runs {VERSION})"


class VersionHandshake:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streamed responses such as CSV exports)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = next((v for k, v in scope.get("headers", []) if k == _CLIENT_HEADER), None)
        client = raw.decode("latin-1") if raw is not None else ""
        message = upgrade_message(client) if client else None
        if message is not None:
            await _refuse(send, message, parse_client_header(client)[0])
            return

        async def send_with_version(event: Message) -> None:
            if event["type"] == "http.response.start":
                MutableHeaders(scope=event).append(SERVER_VERSION_HEADER, VERSION)
            await send(event)

        await self.app(scope, receive, send_with_version)


async def _refuse(send: Send, message: str, name: str) -> None:
    body = json.dumps(
        {
            "detail": message,
            "code": "upgrade_required",
            "app": name,
            "min_version": MIN_CLIENT_VERSIONS.get(name),
            "server_version": VERSION,
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (SERVER_VERSION_HEADER.lower().encode(), VERSION.encode()),
    ]
    await send({"type": "http.response.start", "status": 426, "headers": headers})
    await send({"type": "http.response.body", "body": body})
