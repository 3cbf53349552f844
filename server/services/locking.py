"""Row locks, taken one way everywhere.

Lock order, so concurrent requests cannot deadlock: the rows a change is about (visit, appointment, payment,
patient, doctor) first, the clinic row last (`realtime.events.next_seq` locks it to number the change).
"""

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

M = TypeVar("M")


def lock_row(session: Session, model: type[M], row_id: int, *, key_share: bool = False) -> M | None:
    """The row with this id, read under a row lock and re-read from the database (populate_existing), so the
    copy the caller checks is never a stale one from the identity map.

    key_share=True takes FOR NO KEY UPDATE: it serialises the requests that lock this row, but other
    transactions may still insert rows that reference it (their foreign-key check takes FOR KEY SHARE)."""
    entity: Any = model
    stmt = (
        select(entity)
        .where(entity.id == row_id)
        .with_for_update(key_share=key_share, of=entity)  # `of`: never the rows of joined eager loads
        .execution_options(populate_existing=True)
    )
    return session.scalars(stmt).one_or_none()
