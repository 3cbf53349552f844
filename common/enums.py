"""Enumerations shared by the server and both desktop apps (wire values are the member values)."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "ADMIN"
    RECEPTIONIST = "RECEPTIONIST"
    DOCTOR = "DOCTOR"


class AppointmentStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    CHECKED_IN = "CHECKED_IN"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"


class VisitStatus(StrEnum):
    WAITING = "WAITING"
    CALLED = "CALLED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    REFUNDED = "REFUNDED"


class PaymentMethod(StrEnum):
    CASH = "CASH"
    CARD = "CARD"
    INSURANCE = "INSURANCE"
    TRANSFER = "TRANSFER"


class Phase(StrEnum):
    """Reception board columns; each groups one or more visit statuses."""

    WAITING = "waiting"
    WITH_DOCTOR = "with_doctor"
    COMPLETED = "completed"


PHASE_STATUSES: dict[Phase, tuple[VisitStatus, ...]] = {
    Phase.WAITING: (VisitStatus.WAITING, VisitStatus.CALLED),
    Phase.WITH_DOCTOR: (VisitStatus.IN_PROGRESS,),
    Phase.COMPLETED: (VisitStatus.COMPLETED,),
}

# The status a visit takes when it is moved into a phase.
PHASE_TARGET: dict[Phase, VisitStatus] = {
    Phase.WAITING: VisitStatus.WAITING,
    Phase.WITH_DOCTOR: VisitStatus.IN_PROGRESS,
    Phase.COMPLETED: VisitStatus.COMPLETED,
}


def phase_of(status: VisitStatus) -> Phase | None:
    for phase, statuses in PHASE_STATUSES.items():
        if status in statuses:
            return phase
    return None


class Priority(StrEnum):
    """Triage priority of a visit; waiting lists are ordered by it, then by check-in time."""

    NORMAL = "NORMAL"
    URGENT = "URGENT"
    EMERGENCY = "EMERGENCY"


# Lower sorts first in a waiting list.
PRIORITY_RANK: dict[Priority, int] = {Priority.EMERGENCY: 0, Priority.URGENT: 1, Priority.NORMAL: 2}


class DisplayNames(StrEnum):
    """What the waiting-room display may show of a patient: nothing (numbers only) or initials."""

    NONE = "none"
    INITIALS = "initials"
