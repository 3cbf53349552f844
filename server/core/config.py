"""One Settings object, read from the environment."""

from functools import lru_cache

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
    session_sweep_seconds: float = 2.0  # how often sockets of ended sessions are looked for (each process)
    redis_key_prefix: str = "clinic:"  # keys this server keeps in Redis (lockouts, revoked sessions)
    sql_echo: bool = False

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
