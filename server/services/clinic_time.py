"""The clinic's local day: "today", and the UTC bounds of a local day (queue numbers and dashboards use them)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, SQLColumnExpression
from sqlalchemy.orm import Session

from server.models import Clinic


def clinic_tz(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)


def local_today(timezone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(clinic_tz(timezone)).date()


_FIRST_INSTANT = datetime.min.replace(tzinfo=UTC)
_LAST_INSTANT = datetime.max.replace(tzinfo=UTC)


def _local_midnight(tz: ZoneInfo, day: date, *, days_later: int = 0) -> datetime:
    """Local midnight `days_later` after `day`, in UTC; a calendar end (9999-12-31, or 0001-01-01 east of UTC)
    is clamped to the first or last instant Python can hold, so a filter reaching it means "from/until ever"."""
    try:
        return datetime.combine(day + timedelta(days=days_later), time.min, tzinfo=tz).astimezone(UTC)
    except OverflowError:
        return _FIRST_INSTANT if day.year == date.min.year else _LAST_INSTANT


def local_day_bounds(timezone: str, day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as UTC datetimes (DST days are 23 or 25 hours long)."""
    tz = clinic_tz(timezone)
    return _local_midnight(tz, day), _local_midnight(tz, day, days_later=1)


def within_local_days(
    column: SQLColumnExpression[datetime], timezone: str, start: date | None, end: date | None
) -> list[ColumnElement[bool]]:
    """Conditions keeping `column` (a UTC instant) on the clinic-local days start..end, both inclusive; a missing
    end leaves that side open. Every list filtered by date uses this (the range itself was checked by the list's
    query model, common.schemas.DateRange)."""
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(column >= local_day_bounds(timezone, start)[0])
    if end is not None:
        conditions.append(column < local_day_bounds(timezone, end)[1])
    return conditions


def clinic_timezone(session: Session, clinic_id: int) -> str:
    """The IANA zone of a clinic (callers that hold a Clinic row use `clinic.timezone`). The caller's own clinic
    is usually in the session already (read with the user, services/auth.py): then no statement is sent."""
    clinic = session.get(Clinic, clinic_id)
    return (clinic.timezone if clinic is not None else None) or "UTC"
