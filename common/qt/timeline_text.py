"""A visit's timeline in words, the same in both apps: "Status: Waiting → Called", "Called to Room 2",
"Payment paid", "Appointment booked", "Appointment: Confirmed → Checked in"."""

from common.qt.formatting import humanize_enum
from common.schemas import TimelineEntry

_KINDS = {"status": "Status", "priority": "Priority", "appointment": "Appointment"}
# An appointment line's `to_value` is its new status, or one of these (a change that is not of its status).
_APPOINTMENT_ACTIONS = {"BOOKED": "booked", "RESCHEDULED": "rescheduled", "NOTES": "notes edited"}


def describe(entry: TimelineEntry) -> str:
    """What happened, without the line's detail (see `describe_with_detail`); a call names its room."""
    after = humanize_enum(entry.to_value) if entry.to_value else ""
    if entry.kind == "call":  # the room is in `detail` (older servers put it in `to_value`)
        room = entry.detail or ("" if entry.to_value in (None, "CALLED") else entry.to_value)
        return f"Called to {room}" if room else "Called"
    if entry.kind == "payment":
        return f"Payment {after.lower()}"
    if entry.kind == "appointment" and entry.to_value in _APPOINTMENT_ACTIONS:
        return f"Appointment {_APPOINTMENT_ACTIONS[entry.to_value]}"
    before = humanize_enum(entry.from_value) if entry.from_value else ""
    change = f"{before} → {after}" if before else after
    return f"{_KINDS.get(entry.kind, humanize_enum(entry.kind))}: {change}"


def describe_with_detail(entry: TimelineEntry) -> str:
    """`describe` and the line's detail where it has one: "Payment paid: 80.00 CARD", "Appointment booked: Tue 01
    Dec 2026 09:00, Dr Wilson, Consultation", "Appointment: Confirmed → Cancelled: the patient is abroad"."""
    text = describe(entry)
    return f"{text}: {entry.detail}" if entry.detail and entry.kind != "call" else text
