"""The base of every wire schema, shared field types, pages and the error body."""

from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
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


class Page(Schema, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


class HealthOut(Schema):
    """GET /health: "ok" with the server's version, or (503) "unavailable" with why the database is not
    answering."""

    status: str = "ok"
    version: str = ""
    database: str = "ok"  # "ok", or the reason it is unavailable


class ErrorOut(Schema):
    """The body of every refusal (4xx): `detail` says what (a list of problems on a 422), `code` is a machine
    code (conflict, forbidden, invalid, not_found …), `field` names the input at fault when there is one; a
    409 may add the current state (e.g. `current_status`)."""

    model_config = ConfigDict(extra="allow")

    detail: str | list[dict]
    code: str
    field: str | None = None
