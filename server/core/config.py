"""One Settings object, read from the environment."""

import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-secret-change-me-0123456789abcdef"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    environment: str = "development"  # "production" refuses the default secret
    database_url: str | None = None  # unset → embedded PostgreSQL in the user data dir
    redis_url: str | None = None
    secret_key: str = DEV_SECRET
    access_token_minutes: int = 30
    refresh_token_days: int = 14
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1_000_000  # the largest HTTP request body (and Socket.IO message) accepted
    login_max_failures: int = 5  # wrong passwords for one (username, client address) within the window
    login_max_failures_per_address: int = 20  # wrong passwords from one address, any usernames (spraying)
    login_lockout_seconds: int = 300  # the window, and how long a lockout lasts
    login_table_size: int = 10_000  # entries the in-process lockout table holds at most (without Redis)
    password_checks_at_once: int = 4  # concurrent argon2 checks (each takes ~64 MB while it runs)
    # argon2 cost of new hashes (a check uses the cost stored in the hash): argon2-cffi's defaults, RFC 9106's
    # low-memory choice. Lowered only by the tests (tests/conftest.py), where every sign-in would pay it.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65_536
    session_sweep_seconds: float = 2.0  # how often sockets of ended sessions are looked for (each process)
    no_show_sweep_seconds: float = 60.0  # how often overdue appointments become NO_SHOW (each process; 0: never)
    redis_key_prefix: str = "clinic:"  # keys this server keeps in Redis (lockouts, revoked sessions)
    sql_echo: bool = False
    # uvicorn's line per HTTP request. Off by default: on the 2-core reference machine it cost a measurable share
    # of every read (issue 11); errors and warnings are logged either way.
    access_log: bool = False

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


def is_loopback(host: str) -> bool:
    """True when a server bound to `host` is reachable from this machine only."""
    if host.lower() in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name (or 0.0.0.0 / ::): reachable from elsewhere


def refuse_dev_secret_beyond_loopback(host: str) -> None:
    """The development SECRET_KEY is public (it is in this file): anyone could sign an ADMIN token with it. A
    server that listens beyond loopback refuses to start with it."""
    if get_settings().secret_key == DEV_SECRET and not is_loopback(host):
        raise SystemExit(
            f"error: refusing to listen on {host} with the development SECRET_KEY, which anyone can read; "
            "set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')"
        )


def use_kept_secret_key(directory: Path) -> Path:
    """Use the random SECRET_KEY kept in `directory` (made on first use, readable by this user only), so a
    demo served beyond loopback never signs with the public development key and its tokens survive a restart.
    Returns the file's path."""
    path = directory / "secret_key"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made meanwhile by another process: read that one
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    os.environ["SECRET_KEY"] = path.read_text().strip()
    get_settings.cache_clear()
    return path
