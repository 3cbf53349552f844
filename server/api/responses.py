"""The refusals each route may answer, documented with their body (ErrorOut) in OpenAPI."""

from typing import Any

from common.schemas import ErrorOut


def refusals(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route or router: each status with the shared error body and what it means here."""
    return {code: {"model": ErrorOut, "description": text} for code, text in descriptions.items()}


# Every route may answer these; a route documents its own meaning of a status with `refusals(...)`.
COMMON = refusals(
    {
        400: "the body could not be read (not UTF-8 JSON)",
        401: "not authenticated (no, expired or invalid access token)",
        403: "not allowed for this role",
        404: "not found, or in another clinic",
        409: "conflicts with the current state (the body says which)",
        413: "the request body is larger than the server accepts (MAX_BODY_BYTES, default 1 MB)",
        503: "the database is unavailable right now; retry",
    }
)
