"""Who may try a password now: failed sign-ins are counted per (username, client address) and per address.

- 5 wrong passwords for one username from one address lock that pair for the window: someone guessing the
  admin's password from one PC does not lock the admin out at another.
- 20 wrong passwords from one address, whatever the usernames, lock that address (password spraying).
- Every refusal is a 429 with Retry-After (the seconds left in the window). A success clears its pair only.
Counters live in this process (bounded, expiring) or in Redis when REDIS_URL is set (shared by all processes).
"""

from __future__ import annotations

import threading

from server.core.config import Settings, get_settings
from server.core.counters import Counters, MemoryCounters, RedisCounters, digest
from server.core.errors import TooManyRequests


class LoginThrottle:
    def __init__(self) -> None:
        self._counters: Counters | None = None
        self._lock = threading.Lock()

    def _store(self) -> tuple[Counters, Settings]:
        settings = get_settings()
        with self._lock:
            if self._counters is None:
                window = settings.login_lockout_seconds
                self._counters = (
                    RedisCounters(settings.redis_url, prefix=f"{settings.redis_key_prefix}login:", window=window)
                    if settings.redis_url
                    else MemoryCounters(window=window, max_entries=settings.login_table_size)
                )
            return self._counters, settings

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        return "u:" + digest(username.lower(), address), "a:" + digest(address)

    def check(self, username: str, address: str) -> None:
        counters, settings = self._store()
        pair, whole = self._keys(username, address)
        for key, limit, message in (
            (whole, settings.login_max_failures_per_address, "too many failed sign-ins from this address"),
            (pair, settings.login_max_failures, "too many failed logins for this user"),
        ):
            hits, seconds_left = counters.get(key)
            if hits >= limit:
                raise TooManyRequests(f"{message}; try again later", retry_after_seconds=int(seconds_left) + 1)

    def failed(self, username: str, address: str) -> None:
        counters, _ = self._store()
        for key in self._keys(username, address):
            counters.hit(key)

    def succeeded(self, username: str, address: str) -> None:
        counters, _ = self._store()
        counters.clear(self._keys(username, address)[0])

    def reset(self) -> None:
        """Forget every count (tests), and read the settings afresh on next use."""
        with self._lock:
            if isinstance(self._counters, RedisCounters):
                self._counters.close()
            self._counters = None


throttle = LoginThrottle()
