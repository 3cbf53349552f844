"""Money, the one place for it: Decimal at the columns' scale, and the doctor/center split of DESIGN.md.

doctor_share = round_half_up(amount × rate, 2), center_share = amount − doctor_share, so the two always add up.
"""

from decimal import ROUND_HALF_UP, Decimal

from server.core.errors import InvalidInput

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")
ZERO = Decimal("0.00")  # a SQL coalesce default with the money scale, so an empty sum reads "0.00", not "0"


def money(value: Decimal | int) -> Decimal:
    """At the money columns' scale (Numeric(10, 2)), so a response shows what is stored ("99.00", not "99")."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(value: Decimal | None) -> Decimal | None:
    """At the rate columns' scale (Numeric(5, 4))."""
    return None if value is None else value.quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def split_amount(amount: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(doctor_share, center_share) of an amount for a doctor's rate in [0, 1]."""
    if amount < 0:
        raise InvalidInput("amount", "the amount cannot be negative")
    if not Decimal(0) <= rate <= Decimal(1):
        raise InvalidInput("rate", "the rate must be between 0 and 1")
    amount = money(amount)
    doctor_share = money(amount * rate)
    return doctor_share, amount - doctor_share
