"""With no DATABASE_URL the server runs on an embedded PostgreSQL in the user data dir, and keeps its data."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.server_process import ROOT, ServerProcess


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["CLINIC_DATA_DIR"] = str(data_dir)
    return env


@pytest.mark.timeout(300)
def test_embedded_database_starts_serves_docs_and_keeps_data(pg_tmp_path: Path) -> None:
    data_dir = pg_tmp_path / "clinic-data"
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

    server = ServerProcess(None, env={"CLINIC_DATA_DIR": str(data_dir)})
    for _restart in range(2):  # the admin made before the first start is still there after a restart
        server.start(timeout=90)
        try:
            base = server.url
            assert httpx.get(f"{base}/docs", timeout=5).status_code == 200
            login = httpx.post(f"{base}/auth/login", json={"username": "root.admin", "password": "s3cret-pw"})
            assert login.status_code == 200, login.text
            assert login.json()["user"]["role"] == "ADMIN"
        finally:
            server.stop(timeout=30)
        # a terminated server stops its embedded PostgreSQL (uvicorn re-raises SIGTERM after shutdown; the
        # server turns it into a normal exit so the stop hook runs) instead of leaving it running
        assert not (data_dir / "pgdata" / "postmaster.pid").exists()
