"""Counting the SQL statements a block of code sends, to prove a list endpoint has no N+1.

    with count_statements(engine) as counter:
        client.get("/doctors/earnings", headers=...)
    assert counter.count == 4

Listens on the Engine (`before_cursor_execute`), so every connection of that engine is counted, including the
one the `db` fixture's session is bound to. SAVEPOINT / RELEASE housekeeping is not counted: it is not a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

_HOUSEKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass
class StatementCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return f"{self.count} statements:\n" + "\n---\n".join(self.statements)


@contextmanager
def count_statements(engine: Engine) -> Iterator[StatementCounter]:
    counter = StatementCounter()

    def _before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not statement.lstrip().upper().startswith(_HOUSEKEEPING):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _before)


def statements_for(engine: Engine, action: Callable[[], object]) -> StatementCounter:
    """Run `action` and return what it sent."""
    with count_statements(engine) as counter:
        action()
    return counter


@contextmanager
def count_app_statements() -> Iterator[StatementCounter]:
    """Every statement the running app sends, on either of its engines (a GET reads on the autocommit one)."""
    from server.core.db import get_engine, get_read_engine

    with count_statements(get_engine()) as writes, count_statements(get_read_engine()) as reads:
        both = StatementCounter()
        yield both
    both.statements.extend(writes.statements + reads.statements)
