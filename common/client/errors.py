"""The one exception the desktop apps catch: `ApiError`, carrying a message a human can read."""

from __future__ import annotations

from typing import Any

# What to say when the server gives no usable message of its own.
_STATUS_TEXT: dict[int, str] = {
    400: "The request was not accepted",
    401: "You are not logged in",
    403: "You are not allowed to do this",
    404: "Not found",
    409: "This conflicts with the current state; refresh and try again",
    422: "Some of the data is not valid",
    426: "This app is too old for the server; please update it",
    429: "Too many attempts; try again later",
    500: "The server had an internal error",
    502: "The server is unavailable",
    503: "The server is unavailable",
    504: "The server did not answer in time",
}

_LOCATIONS = {"body", "query", "path", "header", "cookie"}


class ApiError(Exception):
    """An HTTP or connection failure. `status` 0 means the server could not be reached.

    `message` is meant for the user as is; `field` names the input at fault when the server said which;
    `code` is the server's machine code (e.g. "conflict", "invalid"); `details` is the rest of the error body.
    """

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.code = code
        self.details = details or {}

    def __repr__(self) -> str:
        return f"ApiError(status={self.status}, message={self.message!r}, field={self.field!r}, code={self.code!r})"

    @property
    def is_connection_error(self) -> bool:
        return self.status == 0

    @classmethod
    def from_response(cls, status: int, body: Any) -> ApiError:
        """Build from an error response: {"detail": "...", "code": ...} or FastAPI's 422 list of problems."""
        if not isinstance(body, dict):
            return cls(status, _status_text(status))
        detail = body.get("detail")
        code = body.get("code") if isinstance(body.get("code"), str) else None
        extra = {k: v for k, v in body.items() if k not in ("detail", "code")}
        field = body.get("field") if isinstance(body.get("field"), str) else None
        if isinstance(detail, list) and detail:
            message, first_field = _validation_message(detail)
            return cls(status, message, field or first_field, code or "invalid", extra)
        if isinstance(detail, str) and detail.strip():
            return cls(status, humanize(detail), field, code, extra)
        return cls(status, _status_text(status), field, code, extra)


def _status_text(status: int) -> str:
    return _STATUS_TEXT.get(status, f"The server answered with an error ({status})")


def humanize(text: str) -> str:
    """Server messages are lower-case fragments ("incorrect username or password"); start them with a capital."""
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def field_label(field: str) -> str:
    """`date_of_birth` → "Date of birth"."""
    return humanize(field.replace("_", " "))


def _field_of(loc: Any) -> str | None:
    if not isinstance(loc, list | tuple):
        return None
    names = [str(part) for part in loc if not isinstance(part, int) and str(part) not in _LOCATIONS]
    return names[-1] if names else None


def _validation_message(problems: list[Any]) -> tuple[str, str | None]:
    parts: list[str] = []
    first_field: str | None = None
    for problem in problems:
        if not isinstance(problem, dict):
            continue
        msg = str(problem.get("msg", "is not valid"))
        # pydantic prefixes model-validator messages with "Value error, "; a person does not need that.
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix) :]
        field = _field_of(problem.get("loc"))
        if field is not None:
            first_field = first_field or field
            parts.append(f"{field_label(field)}: {msg[:1].lower() + msg[1:]}")
        else:
            parts.append(humanize(msg))
    if not parts:
        return _STATUS_TEXT[422], None
    return "; ".join(parts), first_field
