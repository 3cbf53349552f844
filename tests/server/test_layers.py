"""The server's parts import only downward (ARCHITECTURE.md): read from the source, so a new import that breaks
the rule fails here the day it is written.

- server/realtime is transport only: it never imports services, api, models or the database (socket auth is a
  function it is handed; what an event carries is decided by services/outbox.py and services/audience.py);
- services and models never import api; common never imports server.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(package: str) -> dict[str, set[str]]:
    """Every module a package's files import, by file (relative imports resolved)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = module.split(".")[: -node.level]
                    base = ".".join([*parent, base] if base else parent)
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


def _offending(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {
        path: sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))
        for path, names in _imports(package).items()
    }
    return {path: names for path, names in bad.items() if names}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("server.realtime", ("server.services", "server.api", "server.models", "server.core.db", "sqlalchemy")),
        ("server.services", ("server.api", "server.main")),
        ("server.models", ("server.api", "server.services", "server.realtime")),
        ("common", ("server",)),
    ],
)
def test_imports_go_only_downward(package, forbidden):
    assert _imports(package), f"no modules found in {package}"
    assert _offending(package, forbidden) == {}


def test_the_check_can_fail():
    """The reader sees a services import where there is one (server.api imports services)."""
    assert _offending("server.api", ("server.services",))
