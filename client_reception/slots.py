"""Which start times a new appointment may take: inside the doctor's available hours, clear of other bookings.

Pure functions (no Qt, no network) so the rule is easy to test. Hours in the schedule are the clinic's local
hours; appointment times travel in UTC. The server checks the same rule and has the last word (409/422).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.enums import AppointmentStatus
from common.schemas import AppointmentOut, ScheduleSlot

# Statuses that no longer hold their time.
_FREE_STATUSES = {AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}
STEP_MINUTES = 15


def available_hours(slots: Iterable[ScheduleSlot], day: date) -> set[int]:
    weekday = day.weekday()  # 0 = Monday, as DoctorSchedule.day_of_week
    return {s.hour for s in slots if s.day_of_week == weekday and s.is_available}


def busy_intervals(
    appointments: Iterable[AppointmentOut], *, doctor_id: int, ignore_id: int | None = None
) -> list[tuple[datetime, datetime]]:
    return [
        (a.start_time, a.end_time)
        for a in appointments
        if a.doctor_id == doctor_id and a.id != ignore_id and a.status not in _FREE_STATUSES
    ]


def free_start_times(
    *,
    day: date,
    timezone: str,
    slots: Iterable[ScheduleSlot],
    busy: Iterable[tuple[datetime, datetime]],
    duration_minutes: int,
    now: datetime | None = None,
    step_minutes: int = STEP_MINUTES,
) -> list[datetime]:
    """Start times (tz-aware, in the clinic's zone) on `day` where the whole visit fits in available hours and
    overlaps no booking; times already past are left out."""
    tz = ZoneInfo(timezone)
    hours = available_hours(slots, day)
    busy_list = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in busy]
    length = timedelta(minutes=duration_minutes)
    current = now.astimezone(UTC) if now else datetime.now(UTC)
    result: list[datetime] = []
    start = datetime.combine(day, time.min, tzinfo=tz)
    end_of_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    while start < end_of_day:
        end = start + length
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        if (
            start_utc >= current
            and _inside_hours(start, end, hours, day, tz)
            and not any(start_utc < b_end and b_start < end_utc for b_start, b_end in busy_list)
        ):
            result.append(start)
        start += timedelta(minutes=step_minutes)
    return result


def _inside_hours(start: datetime, end: datetime, hours: set[int], day: date, tz: ZoneInfo) -> bool:
    """Every local hour the visit touches must be an available hour of that same day."""
    if end.astimezone(tz).date() != day and end.astimezone(tz).time() != time.min:
        return False
    cursor = start.replace(minute=0, second=0, microsecond=0)
    while cursor < end:
        if cursor.astimezone(tz).date() != day or cursor.astimezone(tz).hour not in hours:
            return False
        cursor += timedelta(hours=1)
    return True
