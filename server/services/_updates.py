"""Helpers shared by the services that write: the PATCH null rule, and commit-or-409."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.core.errors import Conflict, InvalidInput


def sent_fields(data: BaseModel, *, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields a PATCH body actually carried. An explicit null is refused for a column that cannot be empty,
    so `{"name": null}` is a clear 422 instead of an IntegrityError."""
    sent = data.model_dump(exclude_unset=True)
    for field, value in sent.items():
        if value is None and field not in nullable:
            raise InvalidInput(field, f"{field} may not be null")
    return sent


def commit_or_conflict(session: Session, message: str) -> None:
    """Commit; a constraint the checks before could not see (a concurrent insert) becomes a 409, nothing written."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(message) from exc
