"""Announces, after the commit, that a user's sessions were revoked, to whoever listens in this process (the
socket sweeper, which then sweeps at once instead of at its next round). Other processes learn it at their
sweeper's next round, from the database."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)
_listeners: list[Callable[[int], None]] = []


def listen(callback: Callable[[int], None]) -> None:
    _listeners.append(callback)


def unlisten(callback: Callable[[int], None]) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def announce(user_id: int) -> None:
    for callback in list(_listeners):
        try:
            callback(user_id)
        except Exception:  # a broken listener must not fail the admin's request, which is already committed
            log.exception("revocation listener failed")
