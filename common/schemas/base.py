"""The base of every wire schema, shared field types, pages and the error body.

Every text field of every schema is one of the bounded types below (tests/common/test_schema_bounds.py fails on
a bare `str`): each has a length limit and refuses what PostgreSQL cannot store (a NUL character) or UTF-8 cannot
encode (a lone surrogate), so such input is a 422 naming the field instead of a 500 further down. Every id a
client sends is an `Id`, within PostgreSQL's INTEGER range.
"""

import re
from collections.abc import Iterator
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Generic, Self, TypeVar
from zoneinfo import available_timezones

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

T = TypeVar("T")

# Length limits (the database columns are at least this wide; free text is TEXT).
NAME_MAX = 200
USERNAME_MAX = 80
PASSWORD_MAX = 200
PHONE_MAX = 40
LABEL_MAX = 20  # gender
SPECIALTY_MAX = 120
ADDRESS_MAX = 300
TIMEZONE_MAX = 64
TEXT_MAX = 20_000  # notes, prescriptions, medical history, allergies, appointment notes
SEARCH_MAX = 200
TOKEN_MAX = 4_096
CODE_MAX = 64  # machine words on the way out (codes, reasons, token_type)
INT4_MAX = 2**31 - 1  # PostgreSQL INTEGER: ids, versions
# Dates and times a client may send: wide enough for any real record, narrow enough that adding a day or a
# visit's duration, or converting between time zones, can never leave the calendar (year 1..9999).
EARLIEST = date(1800, 1, 1)
LATEST = date(2999, 12, 31)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    bad = _UNSTORABLE.search(value)
    if bad is not None:
        what = "a NUL character" if bad.group() == "\x00" else "a lone surrogate (invalid Unicode)"
        raise PydanticCustomError("unstorable_text", "text may not contain {what}", {"what": what})
    return value


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """What makes a `str` bounded and storable: `Annotated[str, Text(200)]` (a type checker sees a `str`)."""

    max_length: int
    _: KW_ONLY
    min_length: int = 0
    strip: bool = False

    def __iter__(self) -> Iterator[object]:
        yield from StringConstraints(
            strip_whitespace=self.strip, min_length=self.min_length, max_length=self.max_length
        )
        yield AfterValidator(_storable)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _zones():
        raise PydanticCustomError("unknown_timezone", "unknown IANA time zone {zone!r}", {"zone": value})
    return value


def _in_calendar(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "give a date between {earliest} and {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


Name = Annotated[str, Text(NAME_MAX, min_length=1, strip=True)]
Username = Annotated[str, Text(USERNAME_MAX, min_length=3, strip=True)]
Password = Annotated[str, Text(PASSWORD_MAX, min_length=6)]
Phone = Annotated[str, Text(PHONE_MAX, strip=True)]
Label = Annotated[str, Text(LABEL_MAX)]
Specialty = Annotated[str, Text(SPECIALTY_MAX)]
Address = Annotated[str, Text(ADDRESS_MAX)]
LongText = Annotated[str, Text(TEXT_MAX)]
Token = Annotated[str, Text(TOKEN_MAX, min_length=1)]
Code = Annotated[str, Text(CODE_MAX)]
Currency = Annotated[str, Text(3, min_length=3, strip=True), StringConstraints(pattern="^[A-Z]{3}$")]  # ISO 4217
Room = Annotated[str, Text(40, strip=True)]  # a consulting room as the desk calls it ("Room 2")
SearchTerm = Annotated[str, Text(SEARCH_MAX)]
Timezone = Annotated[str, Text(TIMEZONE_MAX, min_length=1), AfterValidator(_known_zone)]
Id = Annotated[int, Field(ge=1, le=INT4_MAX)]
Version = Annotated[int, Field(ge=0, le=INT4_MAX)]
Day = Annotated[date, AfterValidator(_in_calendar)]
Instant = Annotated[datetime, AfterValidator(_in_calendar)]
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def field_error(model: str, field: str, message: str) -> ValidationError:
    """A rule across fields, reported at the field to fix (its `loc`), so a 422 names it like any field error."""
    error = InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(field,), input=None)
    return ValidationError.from_exception_data(model, [error])


# --- list queries: one model per list, bound by the route (`Annotated[Model, Query()]`), passed as-is to the
# service and built by the client (common.client.api) ----------------------------------------------------------

MAX_PER_PAGE = 1000
MAX_PAGE = 10_000_000  # keeps the row offset inside PostgreSQL's BIGINT whatever the page size
PageNo = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE, description=f"at most {MAX_PER_PAGE}")]
LocalDay = Annotated[date | None, Field(description="the clinic's local day, inclusive")]


class ListQuery(Schema):
    """The base of every list's query: pages from 1, at most MAX_PER_PAGE rows a page (each list picks its
    default page size). Fields with an alias (a wire name that is a Python word) accept their name too."""

    model_config = ConfigDict(populate_by_name=True)

    page: PageNo = 1
    per_page: PerPage = 50


class DateRange(Schema):
    """A range of clinic-local days, both ends inclusive; an end before the start is a 422 on end_date (checked
    here, once, for every list that filters by date)."""

    start_date: LocalDay = None
    end_date: LocalDay = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start_date is not None and self.end_date is not None and self.end_date < self.start_date:
            raise field_error(type(self).__name__, "end_date", "end_date is before start_date")
        return self


class Page(Schema, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


class HealthOut(Schema):
    """GET /health: "ok" with the server's version, or (503) "unavailable" with why the database is not
    answering."""

    status: Code = "ok"
    version: Code = ""
    database: Annotated[str, Text(500)] = "ok"  # "ok", or the reason it is unavailable


class ErrorOut(Schema):
    """The body of every refusal (4xx): `detail` says what (a list of problems on a 422), `code` is a machine
    code (conflict, forbidden, invalid, not_found …), `field` names the input at fault when there is one; a
    409 may add the current state (e.g. `current_status`), a 429 `retry_after_seconds`."""

    model_config = ConfigDict(extra="allow")

    detail: LongText | list[dict[Code, Any]]
    code: Code
    field: Code | None = None
