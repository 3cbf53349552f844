"""Domain errors raised by services, and the one place that maps them to HTTP."""

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **extra: object) -> None:
        """`code` overrides the class's machine code for one refusal (e.g. a Conflict coded `doctor_busy`)."""
        super().__init__(message)
        self.message = message
        self.extra = extra
        if code is not None:
            self.code = code

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
    """429; the body's `retry_after_seconds` is also sent as the Retry-After header."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, retry_after_seconds=max(1, int(retry_after_seconds)))


class Unavailable(DomainError):
    """503: a shared service (the database, Redis) cannot answer now; nothing was done, retrying may work."""

    status_code = 503
    code = "unavailable"

    def __init__(self, message: str, *, retry_after_seconds: int = 1) -> None:
        super().__init__(message, retry_after_seconds=retry_after_seconds)


# Machine codes of the refusals Starlette makes itself (unknown path, wrong method, unreadable body …).
_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def _field_of(loc: Any) -> str | None:
    """The innermost named part of a pydantic `loc` (("body", "slots", 0, "hour") → "hour")."""
    names = [str(p) for p in loc or () if not isinstance(p, int) and str(p) not in _LOCATIONS]
    return names[-1] if names else None


def _safe_text(value: object) -> str:
    """Text that JSON can carry as UTF-8 (a lone surrogate from the request becomes U+FFFD)."""
    return str(value).encode("utf-8", "replace").decode("utf-8")


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    """One validation problem for the 422 body: where, what and its type. The offending `input` and the `ctx`
    are left out: they may be megabytes long, NaN/Infinity (not JSON) or invalid Unicode, and the client sent
    them anyway."""
    loc = [p if isinstance(p, int) else _safe_text(p) for p in error.get("loc", ())]
    return {"type": _safe_text(error.get("type", "value_error")), "loc": loc, "msg": _safe_text(error.get("msg", ""))}


def _allowed_methods(request: Request) -> list[str]:
    """Every method OpenAPI documents at this path (Starlette's 405 names only the first route's methods, so
    OPTIONS /clinics answered `Allow: GET` although POST /clinics exists)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), request.url.path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        headers: dict[str, str] = {}
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if "retry_after_seconds" in exc.extra:
            headers["Retry-After"] = str(exc.extra["retry_after_seconds"])
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Starlette's own refusals (404 unknown path, 405, 400 unreadable body) in the shape every other
        # refusal has, as documented in OpenAPI.
        body = {"detail": _safe_text(exc.detail), "code": _HTTP_CODES.get(exc.status_code, "error")}
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(body, status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(_: Request, exc: OperationalError) -> JSONResponse:
        # The database could not serve the request (unreachable, out of connections, a deadlock or
        # serialization failure): nothing was committed and trying again may work, so 503, not a bare 500.
        log.error("database error: %s", exc.orig)
        return await _domain_error(_, Unavailable("the database is unavailable right now; try again"))

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own body ({"detail": [...]}) plus the shape of InvalidInput: a code and the first field named.
        errors = jsonable_encoder([_problem(e) for e in exc.errors()])
        field = next((f for f in (_field_of(e.get("loc")) for e in errors) if f), None)
        body: dict[str, Any] = {"detail": errors, "code": InvalidInput.code}
        if field is not None:
            body["field"] = field
        return JSONResponse(body, status_code=422)
