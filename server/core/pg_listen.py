"""LISTEN on a PostgreSQL channel in a thread of its own, handing each notification's payload to a callback.

PostgreSQL delivers a NOTIFY to every listening connection once the notifying transaction has committed, from
whichever process (this server, another server process, a CLI command, psql) made the change: no Redis needed.

`on_up` is called once the LISTEN stands (and again after every reconnection), `on_down` when the connection is
lost or the listener stops: whoever relies on hearing every notification must treat the time in between as
deaf (the auth cache empties itself and stays off until `on_up`). A connection that goes quiet is checked with a
`SELECT 1` every `check_every` seconds, so a dead link is noticed even when no packet says so.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
_WAKE_SECONDS = 0.2


class PgListener:
    def __init__(
        self,
        channel: str,
        connect: Callable[[], Any],
        on_payload: Callable[[str], None],
        *,
        on_up: Callable[[], None],
        on_down: Callable[[], None],
        check_every: float = 5.0,
        retry_after: float = 1.0,
    ) -> None:
        if not channel.isidentifier():
            raise ValueError(f"not a channel name: {channel!r}")
        self.channel = channel
        self._connect = connect
        self._on_payload = on_payload
        self._on_up = on_up
        self._on_down = on_down
        self._check_every = check_every
        self._retry_after = retry_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._handled = threading.Condition()
        self._up = threading.Event()
        self._wake_r = self._wake_w = -1
        self.batches = 0  # notification batches handed on so far (tests wait on it: `wait_for_batch`)

    def start(self) -> None:
        self._stop.clear()
        self._wake_r, self._wake_w = os.pipe()  # stop() writes here: the select returns at once
        self._thread = threading.Thread(target=self._run, name=f"pg-listen-{self.channel}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"x")
            self._thread.join(10)
            self._thread = None
            for fd in (self._wake_r, self._wake_w):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def wait_until_up(self, timeout: float) -> bool:
        """Block until the LISTEN stands (tests)."""
        return self._up.wait(timeout)

    def wait_for_batch(self, after: int, timeout: float) -> bool:
        """Block until more than `after` batches were handed on (tests)."""
        with self._handled:
            return self._handled.wait_for(lambda: self.batches > after, timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            conn: Any = None
            up = False
            try:
                conn = self._connect()
                conn.autocommit = True
                with conn.cursor() as cursor:
                    cursor.execute(f"LISTEN {self.channel}")
                self._on_up()
                up = True
                self._up.set()
                self._listen(conn)
            except Exception:
                if not self._stop.is_set():
                    log.warning("LISTEN %s: connection lost; retrying", self.channel, exc_info=True)
            finally:
                if up:
                    self._up.clear()
                    self._on_down()
                if conn is not None:
                    with contextlib.suppress(Exception):  # already broken
                        conn.close()
            self._stop.wait(self._retry_after)

    def _listen(self, conn: Any) -> None:
        checked = time.monotonic()
        while not self._stop.is_set():
            readable, _, _ = select.select([conn, self._wake_r], [], [], _WAKE_SECONDS)
            if self._stop.is_set():
                return
            if not readable:
                if time.monotonic() - checked >= self._check_every:
                    with conn.cursor() as cursor:  # quiet: is the link still there? (raises if not)
                        cursor.execute("SELECT 1")
                    checked = time.monotonic()
                continue
            conn.poll()
            checked = time.monotonic()
            if not conn.notifies:
                continue
            payloads = [n.payload for n in conn.notifies]
            conn.notifies.clear()
            for payload in payloads:
                self._on_payload(payload)
            with self._handled:
                self.batches += 1
                self._handled.notify_all()
