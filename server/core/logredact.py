"""Secrets that ride in a URL stay out of the logs.

A waiting-room screen opens `/display/{clinic_id}?token=…` (a TV cannot log in), so the display token is in the
request line, and uvicorn's access log printed it for every page load, state poll and SSE reconnect: anyone who
reads the server's logs (or wherever they are shipped) could open the clinic's screen. The responses already keep
the URL out of caches and Referer headers; this filter replaces the value of every `token` query parameter with
`[redacted]` in the access and error logs.
"""

from __future__ import annotations

import logging
import re

_SECRET_PARAM = re.compile(r"([?&]token=)[^&\s\"]*", re.IGNORECASE)
LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    return _SECRET_PARAM.sub(r"\1[redacted]", text)


class RedactUrlSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_FILTER = RedactUrlSecrets()


def install() -> None:
    """Idempotent: the server's loggers get the filter once (a logger's filters survive uvicorn's dictConfig)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
