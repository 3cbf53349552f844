"""The release version (one place: pyproject reads it, the server answers it, the apps send it) and the
version handshake both sides share.

Each desktop app sends `X-Client-Version: <app>/<version>` (e.g. "reception/0.2.0") on every request; the server
answers `X-Server-Version: <version>` on every response, and 426 Upgrade Required to an app older than the oldest
it still speaks to (server/core/versioning.py)."""

from __future__ import annotations

import re

VERSION = "0.2.0"

CLIENT_VERSION_HEADER = "X-Client-Version"
SERVER_VERSION_HEADER = "X-Server-Version"

# What the apps call themselves in the header and what a person calls them in "please update the … app".
APP_LABELS = {"reception": "reception", "doctor": "doctor"}

_client_app = "client"


def set_client_app(name: str) -> None:
    """Called once by each app's entry point, before its first request."""
    global _client_app
    _client_app = name


def client_version_header() -> str:
    return f"{_client_app}/{VERSION}"


def parse_version(text: str) -> tuple[int, ...] | None:
    """ "0.2.0" → (0, 2, 0); a pre-release suffix is ignored ("0.3.0rc1" → (0, 3, 0)); None when unreadable."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+){0,2})\S*\s*", text or "")
    if match is None:
        return None
    parts = tuple(int(p) for p in match.group(1).split("."))
    return parts + (0,) * (3 - len(parts))


def parse_client_header(value: str) -> tuple[str, tuple[int, ...] | None]:
    """ "reception/0.2.0" → ("reception", (0, 2, 0)); a value without an app name is ("", version)."""
    app, sep, version = value.strip().rpartition("/")
    if not sep:
        return "", parse_version(value)
    return app.strip().lower(), parse_version(version)
