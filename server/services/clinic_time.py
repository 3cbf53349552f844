"""The clinic's local day: "today", and the UTC bounds of a local day (queue numbers and dashboards use them)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from server.models import Clinic


def clinic_tz(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)


def local_today(timezone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(clinic_tz(timezone)).date()


def local_day_bounds(timezone: str, day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as UTC datetimes (DST days are 23 or 25 hours long)."""
    tz = clinic_tz(timezone)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def within_local_days(
    column: ColumnElement[datetime], timezone: str, start: date | None, end: date | None
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
    """The IANA zone of a clinic, read on its own (callers that hold a Clinic row use `clinic.timezone`)."""
    return session.scalar(select(Clinic.timezone).where(Clinic.id == clinic_id)) or "UTC"
