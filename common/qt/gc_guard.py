"""Run Python's cyclic garbage collector on the GUI thread only.

Python collects cycles in whichever thread happens to allocate when a threshold is crossed. If that is a worker
thread (an executor thread, httpx/aiohttp helpers, a test server's portal thread) and the garbage holds a Qt object,
the object is destroyed off the GUI thread: its timers cannot be unregistered there, and the GUI thread later
delivers a timer event to freed memory (a segfault in some unrelated place). Turning automatic collection off and
collecting from a GUI-thread timer keeps every Qt destructor on the GUI thread — the approach pyqtgraph's
GarbageCollector takes for the same reason.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadGarbageCollector(QObject):
    def __init__(self, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        gc.disable()
        self._timer.start()

    def check(self) -> None:
        """Collect the generations whose allocation counts crossed their thresholds (what gc would do)."""
        counts = gc.get_count()
        if counts[2] > self._thresholds[2]:
            gc.collect(2)
        elif counts[1] > self._thresholds[1]:
            gc.collect(1)
        elif counts[0] > self._thresholds[0]:
            gc.collect(0)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
