"""`clinic-server backup` and `clinic-server restore`: PostgreSQL's own custom-format archives.

A backup is `pg_dump -Fc` of the clinic database; the schema's migration revision travels inside it (the
`alembic_version` table) and in the file name. A restore reads that revision first and refuses a backup made
by a newer release than this server, and a database whose schema is newer than the backup's (to go back to an
older backup, restore it into an empty database). It runs in one transaction: it applies completely or not at
all."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from server.core.db import database_url, libpq_url
from server.core.migrations import alembic_config
from server.ops.pgtools import find_tools

NAME_PATTERN = "clinic-*.dump"


class BackupRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str
    size: int


def default_backup_dir() -> Path:
    from server.core.embedded_pg import data_dir

    return data_dir() / "backups"


def _server_major(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()


def schema_revision(url: str) -> str | None:
    """The database's migration revision; None for an empty database."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _run(program: Path, *args: str) -> str:
    done = subprocess.run([str(program), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupRefused(f"{program.name} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def backup(to: str | Path | None = None, *, keep: int | None = None) -> BackupInfo:
    """Write a backup to `to` (a file, or a folder, existing or ending in "/", for a dated name; default: the data
    dir's backups/), then keep only the newest `keep` backups in that folder."""
    url = database_url()
    revision = schema_revision(url)
    if revision is None:
        raise BackupRefused("the database is empty (never migrated): nothing to back up")
    target = Path(to) if to else default_backup_dir()
    if target.is_dir() or not to or str(to).endswith(("/", os.sep)):
        target.mkdir(parents=True, exist_ok=True)
        target = target / f"clinic-{datetime.now():%Y%m%d-%H%M%S}-rev{revision}.dump"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")  # never leave a half-written file under the real name
    bin_dir = find_tools(_server_major(url))
    _run(bin_dir / "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", libpq_url(url))
    partial.replace(target)
    if keep is not None:
        prune(target.parent, keep)
    return BackupInfo(target, revision, target.stat().st_size)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (by name, which starts with the date) in `folder`."""
    backups = sorted(folder.glob(NAME_PATTERN))
    doomed = backups[: max(0, len(backups) - keep)]
    for path in doomed:
        path.unlink()
    return doomed


def revision_in_backup(path: Path, bin_dir: Path) -> str | None:
    """Read the migration revision out of a backup without restoring it."""
    script = _run(bin_dir / "pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path))
    match = re.search(r"COPY [\w.]*alembic_version \(version_num\) FROM stdin;\n([^\n\\]+)\n", script)
    return match.group(1).strip() if match else None


def _is_newer(candidate: str, than: str, scripts: ScriptDirectory) -> bool:
    """Whether revision `candidate` comes after `than` in this release's migration history."""
    return candidate != than and any(r.revision == than for r in scripts.iterate_revisions(candidate, "base"))


def restore(path: Path) -> BackupInfo:
    if not path.is_file():
        raise BackupRefused(f"no backup file at {path}")
    url = database_url()
    bin_dir = find_tools(_server_major(url))
    revision = revision_in_backup(path, bin_dir)
    if revision is None:
        raise BackupRefused(f"{path} is not a clinic backup (it records no schema revision)")
    scripts = ScriptDirectory.from_config(alembic_config(url))
    known = {r.revision for r in scripts.walk_revisions()}
    if revision not in known:
        raise BackupRefused(
            f"the backup's schema ({revision}) was made by a newer release of the clinic server; "
            "install that release (or newer) before restoring it"
        )
    current = schema_revision(url)
    if current is not None and current not in known:
        raise BackupRefused(f"the database's schema ({current}) is newer than this server knows; refusing to restore")
    if current is not None and _is_newer(current, revision, scripts):
        raise BackupRefused(
            f"the database's schema ({current}) is newer than the backup's ({revision}); refusing to restore over "
            "it. Restore into an empty database instead (a new DATABASE_URL, or a new data folder)"
        )
    _run(
        bin_dir / "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={libpq_url(url)}",
        str(path),
    )
    return BackupInfo(path, revision, path.stat().st_size)
