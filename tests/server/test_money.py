"""split_amount: the doctor's and the center's shares always add up to the amount and are never negative."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core.errors import InvalidInput
from server.services.money import split_amount

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=2000, deadline=None)
@given(amount=amounts, rate=rates)
def test_shares_add_up_and_are_non_negative(amount: Decimal, rate: Decimal) -> None:
    doctor, center = split_amount(amount, rate)
    assert doctor + center == amount
    assert doctor >= 0 and center >= 0
    assert doctor == (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert doctor.as_tuple().exponent == -2 and center.as_tuple().exponent == -2
    assert abs(doctor - amount * rate) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("amount", "rate", "doctor", "center"),
    [
        ("100.00", "0.6000", "60.00", "40.00"),
        ("0.01", "0.5000", "0.01", "0.00"),  # half a cent rounds up, to the doctor
        ("33.33", "0.3333", "11.11", "22.22"),
        ("10.05", "0.5000", "5.03", "5.02"),  # banker's rounding would give 5.02
        ("0.00", "0.7000", "0.00", "0.00"),
        ("80.00", "1.0000", "80.00", "0.00"),
        ("80.00", "0.0000", "0.00", "80.00"),
    ],
)
def test_known_splits(amount, rate, doctor, center):
    assert split_amount(Decimal(amount), Decimal(rate)) == (Decimal(doctor), Decimal(center))


def test_rejects_bad_input():
    with pytest.raises(InvalidInput):
        split_amount(Decimal("-1.00"), Decimal("0.5"))
    with pytest.raises(InvalidInput):
        split_amount(Decimal("1.00"), Decimal("1.5"))
