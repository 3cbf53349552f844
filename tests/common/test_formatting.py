"""Money, local times, waits and ages as the apps show them."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from common.qt import formatting as f


@pytest.fixture(autouse=True)
def _reset_settings():
    yield
    f.set_currency("")
    f.set_display_timezone(None)


def test_money_has_two_places_half_up_and_the_currency_setting():
    assert f.format_money(Decimal("1234.5")) == "1,234.50"
    assert f.format_money(Decimal("0.005")) == "0.01"  # half-up, not banker's rounding
    assert f.format_money(Decimal("2.675")) == "2.68"
    assert f.format_money(None) == "0.00"
    assert f.format_money("19.9") == "19.90"
    f.set_currency("$")
    assert f.format_money(Decimal("1234.5")) == "$1,234.50"
    assert f.format_money(Decimal("-5")) == "-$5.00"
    assert f.format_money(Decimal("5"), currency="EUR") == "5.00 EUR"
    f.set_currency("USD")
    assert f.format_money(Decimal("0")) == "0.00 USD"


def test_parse_money():
    assert f.parse_money("1,234.5") == Decimal("1234.50")
    assert f.parse_money("$ 20") == Decimal("20.00")
    with pytest.raises(ValueError):
        f.parse_money("abc")


def test_times_are_shown_in_the_clinic_zone():
    instant = datetime(2024, 3, 5, 23, 30, tzinfo=UTC)
    f.set_display_timezone("Pacific/Kiritimati")  # UTC+14: already the next day there
    assert f.format_time(instant) == "13:30"
    assert f.format_date(instant) == "6 Mar 2024"
    assert f.format_datetime(instant) == "6 Mar 2024 13:30"
    assert f.format_weekday_date(instant) == "Wed 6 Mar 2024"
    assert f.format_time(instant, ZoneInfo("America/New_York")) == "18:30"
    assert f.format_time(datetime(2024, 3, 5, 9, 0)) == "23:00"  # naive → taken as UTC
    assert f.format_date(date(2024, 3, 5)) == "5 Mar 2024"  # a plain date is not shifted
    assert f.format_time(None) == "—"


def test_unknown_zone_falls_back_to_utc():
    f.set_display_timezone("Mars/Olympus_Mons")
    assert f.format_time(datetime(2024, 1, 1, 8, 15, tzinfo=UTC)) == "08:15"


def test_wait_formatting():
    assert f.format_wait(0) == "0 min"
    assert f.format_wait(12) == "12 min"
    assert f.format_wait(60) == "1 h"
    assert f.format_wait(75) == "1 h 15 min"
    assert f.format_wait(-3) == "0 min"
    assert f.format_wait(None) == "—"
    now = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert f.minutes_since(now - timedelta(minutes=12, seconds=59), now) == 12
    assert f.minutes_since(now + timedelta(minutes=1), now) == 0


def test_age_from_date_of_birth():
    today = date(2024, 3, 5)
    assert f.age_from_dob(date(1980, 3, 5), today) == 44
    assert f.age_from_dob(date(1980, 3, 6), today) == 43
    assert f.age_from_dob(date(2000, 2, 29), date(2023, 2, 28)) == 22
    assert f.age_from_dob(date(2000, 2, 29), date(2023, 3, 1)) == 23
    assert f.format_age(date(1980, 3, 6), today) == "43 y"
    assert f.format_age(date(2023, 7, 20), today) == "7 mo"
    assert f.format_age(None) == "—"


def test_humanize_enum():
    from common.enums import AppointmentStatus, Phase

    assert f.humanize_enum(AppointmentStatus.CHECKED_IN) == "Checked in"
    assert f.humanize_enum(Phase.WITH_DOCTOR) == "With doctor"
