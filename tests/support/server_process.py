"""The real server (uvicorn + Socket.IO) as a subprocess on a free port, for tests that need real sockets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """Runs in the child before exec: Linux sends it SIGTERM when the thread that started it ends, so a test
    run that is killed (timeout, Ctrl-C) leaves no server behind holding PostgreSQL connections and a port."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _orphan_guard():
    # Only from the main thread: a server started from a short-lived worker thread (a restart in a test) would
    # otherwise be killed as soon as that thread finished.
    if sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread():
        return _die_with_parent
    return None


class ServerProcess:
    """`database_url=None` runs the server the way a fresh install does: on its embedded PostgreSQL (in
    CLINIC_DATA_DIR, given through `env`), migrating it first."""

    def __init__(
        self,
        database_url: str | None,
        *,
        port: int | None = None,
        redis_url: str | None = None,
        env: dict[str, str] | None = None,
        migrate: bool | None = None,
    ) -> None:
        self.database_url = database_url
        # the test database is migrated once per run; an embedded one is migrated by the server itself
        self.migrate = database_url is None if migrate is None else migrate
        self.redis_url = redis_url
        self.extra_env = env or {}
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = ROOT / ".pytest_cache" / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Start the process without waiting for it to answer."""
        env = {**os.environ, **self.extra_env, "PYTHONUNBUFFERED": "1"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        migrate = [] if self.migrate else ["--no-migrate"]
        self.log_path.parent.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the child's lifetime)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "run",
                *migrate,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_orphan_guard(),  # noqa: PLW1509 (only prctl, no locks: safe after fork)
        )

    def wait_ready(self, timeout: float = 30) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout}s; see {self.log_path}")

    def stop(self, timeout: float = 10) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextmanager
def running_pair(
    database_url: str, redis_url: str, env: dict[str, str] | None = None
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes on one database, fanning out through Redis (as behind a load balancer)."""
    a = ServerProcess(database_url, redis_url=redis_url, env=env)
    b = ServerProcess(database_url, redis_url=redis_url, env=env)
    a.start()
    try:
        b.start()
        try:
            yield a, b
        finally:
            b.stop()
    finally:
        a.stop()
