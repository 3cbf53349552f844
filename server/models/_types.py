"""Column helpers shared by the model modules."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum, Numeric
from sqlalchemy.orm import MappedColumn, mapped_column

UtcDateTime = DateTime(timezone=True)


def enum_column(enum: type[StrEnum], name: str, **kwargs: Any) -> MappedColumn[Any]:
    """A VARCHAR column with a CHECK constraint listing the enum's values."""
    return mapped_column(
        Enum(
            enum,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kwargs,
    )


def money_column(**kwargs: Any) -> MappedColumn[Any]:
    return mapped_column(Numeric(10, 2), **kwargs)


def rate_column(**kwargs: Any) -> MappedColumn[Any]:
    return mapped_column(Numeric(5, 4), **kwargs)


__all__ = ["Decimal", "UtcDateTime", "datetime", "enum_column", "money_column", "rate_column"]
