"""A guard against PySide6 builds that lose references to `None` (issue 10, part 1).

PySide6/shiboken6 6.12.0 returns `None` from every void-returning wrapped method without adding the reference
it hands back (QPainter.save/restore/setPen/fillRect, QWidget.update, QLabel.setText …): each call lowers
`None`'s reference count by one. On Python 3.12+ `None` is immortal and nothing happens; on Python 3.11 the
count reaches zero after some millions of calls and the interpreter aborts with
`Fatal Python error: none_dealloc` — the front desk's board, repainting its cards every second, died after
7-9 minutes. pyproject.toml keeps the resolver away from the affected releases; this module is the second line
for an installation that got one anyway (a pinned wheel cache, a distribution package): at start-up the apps
measure the bug and, if it is there, log it loudly and give `None` an effectively unreachable count (what
Python 3.12 does by design), so the desk keeps working until PySide6 is replaced.
"""

from __future__ import annotations

import ctypes
import logging
import sys

import PySide6
from PySide6.QtCore import QObject

log = logging.getLogger(__name__)

PROBE_CALLS = 200
# Far more references than any session could lose, far from Py_ssize_t's limit.
_CUSHION = 1 << 60


def none_refcount_drift(calls: int = PROBE_CALLS) -> int:
    """How much `None`'s reference count moves over `calls` calls of a void-returning wrapped method
    (0 on a sound build, -calls on an affected one)."""
    probe = QObject()
    for _ in range(3):
        probe.setObjectName("probe")
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return sys.getrefcount(None) - before


def none_is_immortal() -> bool:
    return sys.version_info >= (3, 12)


def guard_none_refcount() -> bool:
    """Check the installed PySide6; on an affected build under Python < 3.12, log an error and make `None`'s
    count unreachable by the leak. Returns True when the bug was found."""
    drift = none_refcount_drift()
    if drift >= 0:
        return False
    log.error(
        "PySide6 %s loses a reference to None on every void call (%d over %d calls); it aborts Python 3.11 "
        "after a few minutes. Install a release the project allows (see pyproject.toml).",
        PySide6.__version__,
        drift,
        PROBE_CALLS,
    )
    if not none_is_immortal() and not hasattr(sys, "gettotalrefcount"):  # release CPython: ob_refcnt first
        ctypes.c_ssize_t.from_address(id(None)).value += _CUSHION
    return True
