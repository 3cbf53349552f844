"""The clinic's local day: "today", and the UTC bounds of a local day (queue numbers and dashboards use them)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


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
