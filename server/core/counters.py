"""Failure counters with a fixed window, bounded in size and time: in this process, or shared through Redis
when REDIS_URL is set (so every server process behind one address counts the same failures).

A key is a digest, never the raw text a client sent, so an entry costs the same whatever was typed. An entry
lives `window` seconds from its first hit; the in-process table also holds at most `max_entries` (the oldest
go first when it is full).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import redis
from cachetools import TLRUCache

from server.core.errors import Unavailable

_T = TypeVar("_T")


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


class Counters(Protocol):
    def get(self, key: str) -> tuple[int, float]:
        """(hits in the current window, seconds until it ends); (0, 0) when there is none."""

    def hit(self, key: str) -> None: ...

    def clear(self, key: str) -> None: ...


@dataclass(frozen=True)
class _Entry:
    hits: int
    ends: float  # time.monotonic() at which the window ends


class MemoryCounters:
    def __init__(self, *, window: float, max_entries: int) -> None:
        self.window = window
        self._cache: TLRUCache[str, _Entry] = TLRUCache(
            maxsize=max_entries, ttu=lambda _k, entry, _now: entry.ends, timer=time.monotonic
        )
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._cache.expire()
            return len(self._cache)

    def get(self, key: str) -> tuple[int, float]:
        with self._lock:
            entry = self._cache.get(key)
        if entry is None:
            return 0, 0.0
        return entry.hits, max(0.0, entry.ends - time.monotonic())

    def hit(self, key: str) -> None:
        with self._lock:
            entry = self._cache.get(key)
            ends = entry.ends if entry is not None else time.monotonic() + self.window
            self._cache[key] = _Entry((entry.hits if entry else 0) + 1, ends)

    def clear(self, key: str) -> None:
        with self._lock:
            self._cache.pop(key, None)


class RedisCounters:
    """INCR with an expiry set on the first hit: the window and its end are Redis's, shared by all processes."""

    def __init__(self, url: str, *, prefix: str, window: float) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self.window = max(1, int(window))

    def _call(self, fn: Callable[..., _T], *args: Any) -> _T:
        try:
            return fn(*args)
        except redis.RedisError as exc:
            raise Unavailable("the sign-in service is unavailable right now; try again") from exc

    def get(self, key: str) -> tuple[int, float]:
        pipe = self._redis.pipeline()
        pipe.get(self.prefix + key)
        pipe.pttl(self.prefix + key)
        hits, ttl_ms = self._call(pipe.execute)
        if hits is None or ttl_ms is None or ttl_ms < 0:
            return 0, 0.0
        return int(hits), ttl_ms / 1000

    def hit(self, key: str) -> None:
        pipe = self._redis.pipeline()
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, self.window, nx=True)
        self._call(pipe.execute)

    def clear(self, key: str) -> None:
        self._call(self._redis.delete, self.prefix + key)

    def close(self) -> None:
        self._redis.close()
