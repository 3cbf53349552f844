"""With no DATABASE_URL the server runs on an embedded PostgreSQL in the user data dir, and keeps its data."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server_process import ROOT, free_port


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["CLINIC_DATA_DIR"] = str(data_dir)
    return env


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read().decode() if proc.stdout else "server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("embedded server did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.mark.timeout(300)
def test_embedded_database_starts_serves_docs_and_keeps_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "clinic-data"
    created = subprocess.run(
        [sys.executable, "-m", "server.cli", "create-admin", "--username", "root.admin", "--password", "s3cret-pw"],
        cwd=ROOT,
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    assert (data_dir / "pgdata").is_dir()

    port = free_port()
    for _restart in range(2):  # the admin made before the first start is still there after a restart
        proc = _start(data_dir, port)
        try:
            base = f"http://127.0.0.1:{port}"
            assert httpx.get(f"{base}/docs", timeout=5).status_code == 200
            login = httpx.post(f"{base}/auth/login", json={"username": "root.admin", "password": "s3cret-pw"})
            assert login.status_code == 200, login.text
            assert login.json()["user"]["role"] == "ADMIN"
        finally:
            _stop(proc)
        # a terminated server stops its embedded PostgreSQL (uvicorn re-raises SIGTERM after shutdown; the
        # server turns it into a normal exit so the stop hook runs) instead of leaving it running
        assert not (data_dir / "pgdata" / "postmaster.pid").exists()
