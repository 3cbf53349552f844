"""How money, times, waits and ages read on screen in both apps (pure Python, no Qt).

Times travel in UTC; they are shown in the display time zone, which the apps set to the clinic's
(`set_display_timezone(clinic.timezone)`), so a receptionist abroad still sees clinic hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CENT = Decimal("0.01")
_settings: dict[str, object] = {"currency": "", "tz": None}


# --- settings --------------------------------------------------------------------------------------------------


def set_currency(currency: str) -> None:
    """A symbol ("$", "€") is put before the amount; a code ("USD") after it; "" shows the bare number."""
    _settings["currency"] = currency.strip()


def current_currency() -> str:
    return str(_settings["currency"])


def set_display_timezone(tz: str | tzinfo | None) -> None:
    """None → the computer's local zone. An unknown name falls back to UTC rather than failing."""
    if isinstance(tz, str):
        try:
            tz = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            tz = UTC
    _settings["tz"] = tz


def display_timezone() -> tzinfo:
    tz = _settings["tz"]
    if isinstance(tz, tzinfo):
        return tz
    local = datetime.now().astimezone().tzinfo
    return local or UTC


def to_local(value: datetime, tz: tzinfo | None = None) -> datetime:
    """An aware datetime in the display zone; a naive one is taken to be UTC (what the server stores)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz or display_timezone())


def local_today(tz: tzinfo | None = None) -> date:
    return datetime.now(tz or display_timezone()).date()


# --- money -----------------------------------------------------------------------------------------------------


def to_decimal(value: Decimal | int | float | str | None) -> Decimal:
    if value is None or value == "":
        return Decimal("0")
    try:
        # str() first: Decimal(0.1) would carry the float's binary noise into the cents.
        return Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def format_amount(value: Decimal | int | float | str | None) -> str:
    """1234.5 → "1,234.50" (two places, half-up, thousands separated)."""
    amount = to_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}"


def format_money(value: Decimal | int | float | str | None, currency: str | None = None) -> str:
    """Decimal("1234.5") → "$1,234.50" with the currency setting ("$"), "1,234.50 USD" with a code."""
    cur = current_currency() if currency is None else currency.strip()
    amount = to_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    number = format_amount(abs(amount))
    if not cur:
        return f"{sign}{number}"
    if cur.isalpha():
        return f"{sign}{number} {cur}"
    return f"{sign}{cur}{number}"


def parse_money(text: str) -> Decimal:
    """What a person typed ("1,234.5", "$ 20") → Decimal("1234.50"); ValueError if it is not an amount."""
    cleaned = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    if not cleaned or cleaned in {".", "-", "-."}:
        raise ValueError("enter an amount, e.g. 25.00")
    try:
        return Decimal(cleaned).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError("enter an amount, e.g. 25.00") from exc


# --- dates and times -------------------------------------------------------------------------------------------


def format_time(value: datetime | None, tz: tzinfo | None = None) -> str:
    """A UTC instant as the local wall-clock time: "14:05"."""
    if value is None:
        return "—"
    return to_local(value, tz).strftime("%H:%M")


def format_date(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    """ "5 Mar 2024"; a datetime is first moved to the display zone (its local day may differ from UTC's)."""
    if value is None:
        return "—"
    day = to_local(value, tz).date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%b %Y}"


def format_weekday_date(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    """ "Tue 5 Mar 2024"."""
    if value is None:
        return "—"
    day = to_local(value, tz).date() if isinstance(value, datetime) else value
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_datetime(value: datetime | None, tz: tzinfo | None = None) -> str:
    """ "5 Mar 2024 14:05" in the display zone."""
    if value is None:
        return "—"
    local = to_local(value, tz)
    return f"{format_date(local.date())} {local:%H:%M}"


def minutes_since(value: datetime, now: datetime | None = None) -> int:
    """Whole minutes from `value` to now (never negative: a clock a little ahead must not show "-1 min")."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0, int((now - value).total_seconds() // 60))


def format_wait(minutes: int | float | None) -> str:
    """12 → "12 min"; 75 → "1 h 15 min"; None → "—"."""
    if minutes is None:
        return "—"
    total = max(0, int(minutes))
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if mins else f"{hours} h"


def age_from_dob(dob: date, today: date | None = None) -> int:
    """Whole years; a birthday later this year has not been reached yet (29 Feb counts on 1 Mar)."""
    today = today or local_today()
    before_birthday = (today.month, today.day) < (dob.month, dob.day)
    return max(0, today.year - dob.year - int(before_birthday))


def format_age(dob: date | None, today: date | None = None) -> str:
    """ "43 y"; a baby under one year shows months ("7 mo")."""
    if dob is None:
        return "—"
    today = today or local_today()
    years = age_from_dob(dob, today)
    if years >= 1:
        return f"{years} y"
    months = (today.year - dob.year) * 12 + today.month - dob.month - int(today.day < dob.day)
    return f"{max(0, months)} mo"


def humanize_enum(value: object) -> str:
    """`CHECKED_IN` → "Checked in"; `with_doctor` → "With doctor"."""
    text = str(getattr(value, "value", value)).replace("_", " ").lower()
    return text[:1].upper() + text[1:]
