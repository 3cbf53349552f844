"""The few display helpers this app uses, on top of the shared formatting module (one place to adapt)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from common.qt import formatting as shared


def money(value: Decimal | None) -> str:
    return shared.format_money(value)


def currency() -> str:
    """The clinic's currency as set at sign-in ("" if unknown): for labels such as a chart's axis."""
    return shared.current_currency()


def day(value: date | datetime | None) -> str:
    return shared.format_date(value)


def weekday(value: date | datetime | None) -> str:
    return shared.format_weekday_date(value)


def time(value: datetime | None) -> str:
    return shared.format_time(value)


def date_time(value: datetime | None) -> str:
    return shared.format_datetime(value)


def wait(minutes: int | None) -> str:
    return shared.format_wait(minutes)


def minutes_since(value: datetime, now: datetime | None = None) -> int:
    return shared.minutes_since(value, now)


def minutes_between(start: datetime, end: datetime) -> int:
    return shared.minutes_since(start, now=end)


def age(dob: date | None) -> str:
    return shared.format_age(dob) if dob is not None else "unknown"


def title(enum_value: object) -> str:
    """`CHECKED_IN` → "Checked in"."""
    return shared.humanize_enum(enum_value) if enum_value is not None else "—"


def local_day(value: datetime) -> date:
    """The display (clinic) zone's day of an instant."""
    return shared.to_local(value).date()


def today() -> date:
    return shared.local_today()
