"""Domain errors raised by services, and the one place that maps them to HTTP."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 400
    code = "error"

    def __init__(self, message: str, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_dict(self) -> dict[str, object]:
        return {"detail": self.message, "code": self.code, **self.extra}


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    """422 for input that passes the schema but breaks a rule; names the field."""

    status_code = 422
    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)

    def to_dict(self) -> dict[str, object]:
        field = self.extra["field"]
        return {
            "detail": [{"loc": ["body", field], "msg": self.message, "type": "value_error"}],
            "code": self.code,
            "field": field,
        }


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def _field_of(loc: Any) -> str | None:
    """The innermost named part of a pydantic `loc` (("body", "slots", 0, "hour") → "hour")."""
    names = [str(p) for p in loc or () if not isinstance(p, int) and str(p) not in _LOCATIONS]
    return names[-1] if names else None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(_: Request, exc: OperationalError) -> JSONResponse:
        # The database could not serve the request (unreachable, out of connections, a deadlock or
        # serialization failure): nothing was committed and trying again may work, so 503, not a bare 500.
        log.error("database error: %s", exc.orig)
        body = {"detail": "the database is unavailable right now; try again", "code": "unavailable"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own body ({"detail": [...]}) plus the shape of InvalidInput: a code and the first field named.
        errors = jsonable_encoder(exc.errors())
        field = next((f for f in (_field_of(e.get("loc")) for e in errors) if f), None)
        body: dict[str, Any] = {"detail": errors, "code": InvalidInput.code}
        if field is not None:
            body["field"] = field
        return JSONResponse(body, status_code=422)
