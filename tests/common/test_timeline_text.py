"""The timeline's lines in words (common/qt/timeline_text.py), shared by the desk's dialog and the doctor's record."""

from datetime import UTC, datetime

import pytest

from common.qt.timeline_text import describe, describe_with_detail
from common.schemas import TimelineEntry

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def line(kind: str, to: str | None, before: str | None = None, detail: str = "") -> TimelineEntry:
    return TimelineEntry(kind=kind, at=AT, by_user_id=1, by_name="Rita", from_value=before, to_value=to, detail=detail)


@pytest.mark.parametrize(
    ("entry", "short", "long"),
    [
        (line("status", "WAITING"), "Status: Waiting", "Status: Waiting"),
        (line("status", "COMPLETED", "IN_PROGRESS"), "Status: In progress → Completed", None),
        (line("priority", "URGENT", "NORMAL"), "Priority: Normal → Urgent", None),
        (line("call", "CALLED", "WAITING", "Room 2"), "Called to Room 2", "Called to Room 2"),
        (line("call", "CALLED", "WAITING"), "Called", "Called"),
        (line("payment", "PAID", detail="80.00 CARD"), "Payment paid", "Payment paid: 80.00 CARD"),
        (line("appointment", "BOOKED", detail="Tue 01 Dec 2026 09:00, Dr Who"), "Appointment booked", None),
        (line("appointment", "RESCHEDULED", detail="a → b"), "Appointment rescheduled", None),
        (line("appointment", "NOTES"), "Appointment notes edited", "Appointment notes edited"),
        (
            line("appointment", "CANCELLED", "CONFIRMED", "abroad"),
            "Appointment: Confirmed → Cancelled",
            "Appointment: Confirmed → Cancelled: abroad",
        ),
        (line("appointment", "NO_SHOW", "CONFIRMED"), "Appointment: Confirmed → No show", None),
    ],
)
def test_each_kind_of_line_reads_as_words(entry: TimelineEntry, short: str, long: str | None) -> None:
    assert describe(entry) == short
    expected = long or (f"{short}: {entry.detail}" if entry.detail else short)
    assert describe_with_detail(entry) == expected
