"""Issue 10, part 6: the public development SECRET_KEY is refused whenever the server would listen beyond
loopback (a token signed with it once created an ADMIN user), and `clinic-server demo` on such a host makes a
random key once and keeps it in the data directory. Through the real `clinic-server` process."""

import os
import stat
import subprocess
import sys

import pytest

from server.core.config import DEV_SECRET, is_loopback
from tests.support.database import create_test_database, drop_test_database
from tests.support.server_process import ROOT, free_port


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "REDIS_URL")} | env
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "clinic.example"])
def test_the_server_refuses_the_dev_key_beyond_loopback(database_url, host):
    port = str(free_port())
    run = _cli("run", "--no-migrate", "--host", host, "--port", port, env={"DATABASE_URL": database_url})
    assert run.returncode != 0
    assert "development SECRET_KEY" in run.stderr
    assert "Uvicorn running" not in run.stdout + run.stderr  # it never listened


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                                ("::", False), ("clinic.lan", False)])  # fmt: skip
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.fixture
def demo_database():
    url = create_test_database("clinic_demo")  # the demo seed commits: keep it out of the shared database
    yield url
    drop_test_database(url)


def test_demo_beyond_loopback_makes_a_random_key_once_and_keeps_it(demo_database, tmp_path):
    env = {"DATABASE_URL": demo_database, "CLINIC_DATA_DIR": str(tmp_path)}
    first = _cli("demo", "--seed-only", "--host", "0.0.0.0", env=env)
    assert first.returncode == 0, first.stderr
    kept = tmp_path / "secret_key"
    key = kept.read_text().strip()
    assert len(key) >= 40 and key != DEV_SECRET
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # readable by the server's user only
    assert str(kept) in first.stdout
    again = _cli("demo", "--seed-only", "--host", "0.0.0.0", env=env)
    assert again.returncode == 0, again.stderr
    assert kept.read_text().strip() == key  # made once, kept

    on_loopback = tmp_path / "loopback"
    on_loopback.mkdir()
    local = _cli("demo", "--seed-only", "--host", "127.0.0.1", env={**env, "CLINIC_DATA_DIR": str(on_loopback)})
    assert local.returncode == 0 and not (on_loopback / "secret_key").exists()
