"""The base of every wire schema, shared field types, pages and the error body."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

T = TypeVar("T")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=80)]
Password = Annotated[str, StringConstraints(min_length=6, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
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
PageNo = Annotated[int, Field(ge=1)]
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
    """GET /health: the server answers."""

    status: str = "ok"


class ErrorOut(Schema):
    """The body of every refusal (4xx): `detail` says what (a list of problems on a 422), `code` is a machine
    code (conflict, forbidden, invalid, not_found …), `field` names the input at fault when there is one; a
    409 may add the current state (e.g. `current_status`)."""

    model_config = ConfigDict(extra="allow")

    detail: str | list[dict]
    code: str
    field: str | None = None
