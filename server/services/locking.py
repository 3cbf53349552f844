"""Row locks, taken one way everywhere, and the one lock order.

Lock order, so concurrent requests cannot deadlock:
1. the rows a change is about (visit, appointment, payment, patient; a doctor row when booking), each with
   `lock_row`; a change about two doctors (an appointment moved to another doctor) locks both in id order;
2. the clinic's queue-number lock (`lock_queue_numbers`, check-in only), or a doctor's send lock
   (`lock_doctor_sends`, a send to the doctor only);
3. at commit, the seq rows of the rooms the change told (services/outbox.py): doctors by id, then the clinic.
   They are locked only for the numbering and the commit, never while a change is being worked out.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

M = TypeVar("M")

# pg_advisory_xact_lock(class, id) key space: one class per kind of lock, the id is the row it guards.
_QUEUE_NUMBER_LOCK = 1
_DOCTOR_SENDS_LOCK = 2


def lock_row(
    session: Session, model: type[M], row_id: int, *, key_share: bool = False, options: Sequence[Any] = ()
) -> M | None:
    """The row with this id, read under a row lock and re-read from the database (populate_existing), so the
    copy the caller checks is never a stale one from the identity map.

    key_share=True takes FOR NO KEY UPDATE: it serialises the requests that lock this row, but other
    transactions may still insert rows that reference it (their foreign-key check takes FOR KEY SHARE).
    `options`: joined eager loads read in the same statement (only the row itself is locked)."""
    entity: Any = model  # a mapped class (hashable), typed loosely for the cache below
    return session.scalars(_lock_statement(entity, key_share, tuple(options)), {"row_id": row_id}).one_or_none()


# Each locking read is built once per (model, lock strength, eager loads) with the id bound at execution:
# building one with its joined loads took ~0.3 ms of every move (issue 11). Callers pass module-level options.
@lru_cache(maxsize=64)
def _lock_statement(model: type[Any], key_share: bool, options: tuple[Any, ...]) -> Select[Any]:
    return (
        select(model)
        .options(*options)
        .where(model.id == bindparam("row_id"))
        .with_for_update(key_share=key_share, of=model)  # `of`: never the rows of joined eager loads
        .execution_options(populate_existing=True)
    )


_ADVISORY_LOCK = select(func.pg_advisory_xact_lock(bindparam("kind"), bindparam("row_id")))


def lock_queue_numbers(session: Session, clinic_id: int) -> None:
    """Serialise check-ins of one clinic until the transaction ends, so "last queue number + 1" is never taken
    twice. An advisory lock, not the clinic row: the row holds the desk's seq, which must stay free while a
    change is being worked out (the outbox locks it only to number and commit)."""
    session.execute(_ADVISORY_LOCK, {"kind": _QUEUE_NUMBER_LOCK, "row_id": clinic_id})


def lock_doctor_sends(session: Session, doctor_id: int) -> None:
    """Serialise sends (-> IN_PROGRESS) to one doctor until the transaction ends, so two sends at once cannot
    both pass the `max_active_per_doctor` count. Advisory, like the queue numbers: the doctor row holds the
    doctor room's seq."""
    session.execute(_ADVISORY_LOCK, {"kind": _DOCTOR_SENDS_LOCK, "row_id": doctor_id})
