"""Lists, the one place for their shared parts: a page of a query with its total, and the patient search."""

import re
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from common.schemas import ListQuery, Page
from server.models import Patient

T = TypeVar("T")


def paginate(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    query: ListQuery,
    *,
    schema: type[T],
    item: Callable[..., T],
    scalars: bool = True,
) -> Page[T]:
    """The page `query` asks for of an ordered `stmt`, with the number of rows it selects in all, in ONE statement:
    the total rides on each row as an uncorrelated scalar subquery (PostgreSQL runs it once, with its own plan, so
    the page keeps its LIMIT plan; a window count would join and sort every matching row). Only a page past the end
    (no row to carry it) asks for the total on its own. `item` turns an ORM row (or, with scalars=False, a row's
    columns) into the wire schema."""
    page, per_page = query.page, query.per_page
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    paged = stmt.add_columns(count.scalar_subquery().label("total")).limit(per_page).offset((page - 1) * per_page)
    rows = session.execute(paged).all()
    past_the_end = not rows and page > 1
    total = rows[0][-1] if rows else (session.scalar(count) or 0) if past_the_end else 0
    items = [item(row[0]) for row in rows] if scalars else [item(*row[:-1]) for row in rows]
    return Page[schema](items=items, page=page, per_page=per_page, total=total)  # type: ignore[valid-type]  # a runtime class: Page[schema] is Page[T]


def like_pattern(term: str) -> str:
    """`%term%` for ILIKE with its wildcards escaped (use with escape="\\")."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def patient_matches(search: str | None) -> ColumnElement[bool] | None:
    """Name or phone contains `search` (case-insensitive). A term written like a phone number is also compared
    by its digits only, so "555 01-23" finds "+15550123". None when there is nothing to search for."""
    term = (search or "").strip()
    if not term:
        return None
    pattern = like_pattern(term)
    matches = [Patient.full_name.ilike(pattern, escape="\\"), Patient.phone.ilike(pattern, escape="\\")]
    if _PHONE_LIKE.fullmatch(term):
        digits = re.sub(r"\D", "", term)
        matches.append(func.regexp_replace(Patient.phone, r"\D", "", "g").like(f"%{digits}%"))
    return or_(*matches)


# Digits with the usual phone punctuation; anything else ("Room 100%") is searched as typed.
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-]*\d[\d\s().\-]*")


__all__ = ["like_pattern", "paginate", "patient_matches"]
