"""Upgrading a clinic: the database of the previous release (0.1.0, schema revision 0001 as it was on main, with
the Demo Clinic's data) migrates to this release's head with no drift and no data lost, as `clinic-server run`
does on start. (Migrating an empty database is tests/server/test_migrations.py.)

tests/data/release-0.1.0.sql.gz was made once, frozen from then on: a database upgraded to "0001", seeded by
`server.demo.seed(now=2026-01-15 09:00 UTC)`, dumped with `pg_dump --no-owner --no-privileges --inserts` (psql
meta-commands removed)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from server.core.migrations import alembic_config, check_no_drift, upgrade_to_head
from server.ops.backup import schema_revision
from tests.support.database import create_test_database, drop_test_database

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "release-0.1.0.sql.gz"
COUNTED = ("clinics", "users", "doctors", "patients", "visits", "payments", "appointments")


@pytest.fixture
def release_db() -> Iterator[str]:
    url = create_test_database("clinic_upgrade")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(gzip.decompress(SNAPSHOT.read_bytes()).decode())
        yield url
    finally:
        engine.dispose()
        drop_test_database(url)


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED}
    finally:
        engine.dispose()


def test_previous_release_database_migrates_to_head_keeping_its_data(release_db: str) -> None:
    assert schema_revision(release_db) == "0001"
    before = _counts(release_db)
    assert before["patients"] > 0 and before["payments"] > 0

    upgrade_to_head(release_db)  # what `clinic-server run` does on start

    head = ScriptDirectory.from_config(alembic_config(release_db)).get_current_head()
    assert schema_revision(release_db) == head
    check_no_drift(release_db)
    assert _counts(release_db) == before
