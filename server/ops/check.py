"""`clinic-server check`: what a practice manager (or a monitoring script) asks before and after an upgrade.

One line per check, "ok" or "problem", and a non-zero exit status when anything is a problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

from server.core.config import DEV_SECRET, get_settings

MIN_FREE_BYTES = 1024**3  # 1 GiB: a day of a small clinic is a few MB, a backup a few tens


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    from server.core.dbwatch import database_problem

    problem = database_problem()
    if problem is not None:
        return Check("database", False, f"unreachable: {problem}")
    from sqlalchemy import text

    from server.core.db import get_engine, uses_embedded_database

    with get_engine().connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    where = "embedded" if uses_embedded_database() else "DATABASE_URL"
    return Check("database", True, f"reachable (PostgreSQL {version}, {where})")


def _migrations() -> Check:
    from alembic.script import ScriptDirectory

    from server.core.db import database_url
    from server.core.migrations import alembic_config
    from server.ops.backup import schema_revision

    url = database_url()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    current = schema_revision(url)
    if current == head:
        return Check("migrations", True, f"at head ({head})")
    if current is None:
        return Check("migrations", False, f"the database is empty; run `clinic-server migrate` (head is {head})")
    return Check("migrations", False, f"at {current}, this release's head is {head}; run `clinic-server migrate`")


def _secret_key() -> Check:
    key = get_settings().secret_key
    if key == DEV_SECRET:
        return Check("secret key", False, "SECRET_KEY is the public development key; set a long random one")
    if len(key) < 32:
        return Check("secret key", False, f"SECRET_KEY is only {len(key)} characters; use at least 32")
    return Check("secret key", True, "set")


def _redis() -> Check:
    url = get_settings().redis_url
    if not url:
        return Check("redis", True, "not configured (a single server process)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, OSError) as exc:
        return Check("redis", False, f"REDIS_URL is set but Redis does not answer: {exc}")
    return Check("redis", True, "reachable")


def _disk(min_free: int) -> Check:
    from server.core.embedded_pg import data_dir

    folder = data_dir()
    free = shutil.disk_usage(folder).free
    detail = f"{free / 1024**3:.1f} GB free in {folder}"
    if free < min_free:
        return Check("disk space", False, f"only {detail} (want {min_free / 1024**3:.1f} GB)")
    return Check("disk space", True, detail)


def run_checks(*, min_free: int = MIN_FREE_BYTES) -> list[Check]:
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("database", _database),
        ("migrations", _migrations),
        ("secret key", _secret_key),
        ("redis", _redis),
        ("disk space", lambda: _disk(min_free)),
    ]
    results: list[Check] = []
    for name, step in steps:
        if name == "migrations" and results and not results[0].ok:
            results.append(Check(name, False, "cannot tell: the database is unreachable"))
            continue
        try:
            results.append(step())
        except Exception as exc:  # a check that cannot run is a problem to report, not a traceback
            results.append(Check(name, False, f"could not check: {exc}"))
    return results


def format_line(check: Check) -> str:
    return f"{'ok' if check.ok else 'problem':<8} {check.name:<11} {check.detail}"
