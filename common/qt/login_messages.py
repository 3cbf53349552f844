"""What the sign-in dialog says for each way a login can fail (kept apart so the dialog module stays small)."""

from __future__ import annotations

import math

from common.client.errors import ApiError

DEFAULT_SERVER_URL = "http://127.0.0.1:8000"


def login_error_message(exc: ApiError, url: str) -> str:
    """What the dialog says for each way a login can fail."""
    if exc.code == "bad_url":
        return f"{exc.message}. Enter an address like {DEFAULT_SERVER_URL}."
    if exc.status == 0:
        return f"{exc.message}. Check the address and that the server is running."
    if exc.status == 401:
        return f"{exc.message}." if not exc.message.endswith(".") else exc.message
    if exc.status == 429:
        retry = exc.details.get("retry_after_seconds")
        if isinstance(retry, int | float) and retry > 0:
            minutes = max(1, math.ceil(retry / 60))
            wait = f"about {minutes} minute{'s' if minutes != 1 else ''}"
            return f"Too many failed attempts for this user. Try again in {wait}."
        return "Too many failed attempts for this user. Try again later."
    if exc.status == 422:
        return f"Check the form: {exc.message}"
    if exc.status == 426:  # the version handshake: the server says which version to install
        return exc.message if exc.message.endswith(".") else f"{exc.message}."
    return f"The server at {url} could not log you in: {exc.message}"
