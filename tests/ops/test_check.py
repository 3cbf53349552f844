"""`clinic-server check`: a line per check with ok/problem, and a non-zero exit status on any problem."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.core.migrations import upgrade_to_head
from tests.support.database import create_test_database, drop_test_database
from tests.support.server_process import ROOT, free_port

GOOD_KEY = "k" * 48


def _check(tmp_path: Path, *args: str, **env: str) -> tuple[int, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    base["CLINIC_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "check", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stdout + done.stderr
    lines = {}
    for line in done.stdout.splitlines():
        status, rest = line.split(maxsplit=1)
        assert status in ("ok", "problem"), line
        name = next(n for n in ("database", "migrations", "secret key", "redis", "disk space") if rest.startswith(n))
        lines[name] = status
    return done.returncode, lines


@pytest.fixture
def empty_db() -> Iterator[str]:
    url = create_test_database("clinic_check")
    try:
        yield url
    finally:
        drop_test_database(url)


@pytest.mark.timeout(300)
def test_check_reports_each_part_and_fails_on_any_problem(tmp_path: Path, empty_db: str) -> None:
    redis_ok = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379") + "/11"

    # an empty database (never migrated), the development key, Redis configured but not there
    code, lines = _check(tmp_path, DATABASE_URL=empty_db, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert code == 1
    assert lines == {
        "database": "ok",
        "migrations": "problem",
        "secret key": "problem",
        "redis": "problem",
        "disk space": "ok",
    }

    upgrade_to_head(empty_db)
    code, lines = _check(tmp_path, DATABASE_URL=empty_db, SECRET_KEY=GOOD_KEY, REDIS_URL=redis_ok)
    assert code == 0 and set(lines.values()) == {"ok"}, lines

    # no database at all, and a disk that is "too full" (more free space wanted than any disk has)
    code, lines = _check(
        tmp_path,
        "--min-free-gb",
        "1000000",
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/nothing",
        SECRET_KEY=GOOD_KEY,
    )
    assert code == 1
    assert lines["database"] == lines["migrations"] == lines["disk space"] == "problem"
    assert lines["secret key"] == lines["redis"] == "ok"
