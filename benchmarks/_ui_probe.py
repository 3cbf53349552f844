"""The app side of benchmarks/ui_stall.py: a timer that records its own lateness on the UI thread, a sampler that
looks at the UI thread's stack while it is late, and what the app did (events, requests, model signals, paints).

`LatenessProbe` fires every `interval_ms` (a precise QTimer) and records, for every tick, how late it came
(actual interval − expected) and how much CPU the UI thread used meanwhile (`time.thread_time`): a late tick with
little CPU is the machine's (the process was not scheduled), one with as much CPU as lateness is our code.
`StallSampler` is a thread that, while the probe's last tick is older than `threshold_ms`, takes the UI thread's
Python stack every few milliseconds (`sys._current_frames`), so each stall is charged to what ran during it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer

OWN = ("client_reception", "client_doctor", "common")


@dataclass
class Tick:
    at: float  # perf_counter, seconds
    late_ms: float
    cpu_ms: float  # the UI thread's CPU time over the interval


class LatenessProbe(QObject):
    def __init__(self, interval_ms: int = 10, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.ticks: list[Tick] = []
        self.recording = False
        self.heartbeat = time.perf_counter()  # read by the sampler thread
        self.heartbeat_cpu = self._last_cpu = time.thread_time()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if self.recording:
            late = (now - self.heartbeat) * 1000 - self.interval_ms
            self.ticks.append(Tick(now, late, (cpu - self._last_cpu) * 1000))
        self.heartbeat, self.heartbeat_cpu, self._last_cpu = now, cpu, cpu

    def start(self) -> None:
        self.ticks.clear()
        self.heartbeat, self._last_cpu = time.perf_counter(), time.thread_time()
        self.heartbeat_cpu = self._last_cpu
        self.recording = True

    def stop(self) -> None:
        self.recording = False
        self._timer.stop()


@dataclass
class StallSample:
    at: float
    stack: list[str]  # outermost first: "module.py:function"


@dataclass
class StallSampler:
    """Samples the UI thread while its tick is overdue by `threshold_ms`, or while it has used `cpu_ms` of CPU
    since its last tick (a long stretch of our own work, even when the machine is not late to schedule it)."""

    probe: LatenessProbe
    threshold_ms: float = 30.0
    cpu_ms: float = 12.0
    every_ms: float = 3.0
    samples: list[StallSample] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ui = threading.main_thread().ident
        assert self._ui is not None
        self._ui_clock = time.pthread_getcpuclockid(self._ui)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def _run(self) -> None:
        while not self._stop.wait(self.every_ms / 1000):
            if not self.probe.recording:
                continue
            now = time.perf_counter()
            late = (now - self.probe.heartbeat) * 1000 >= self.threshold_ms
            busy = (time.clock_gettime(self._ui_clock) - self.probe.heartbeat_cpu) * 1000 >= self.cpu_ms
            if not (late or busy):
                continue
            stack = self._ui_stack()
            if stack:
                self.samples.append(StallSample(now, stack))

    def _ui_stack(self) -> list[str]:
        """The UI thread's stack, outermost first. No frame is kept once this returns, and nothing here does I/O
        (traceback.extract_stack reads source lines): a frame held while the UI thread runs on would keep its
        locals alive — a QPainter past its paint event crashes Qt."""
        frame = sys._current_frames().get(self._ui)  # noqa: SLF001 (the one way to see another thread's stack)
        stack: list[str] = []
        while frame is not None:
            stack.append(f"{_short(frame.f_code.co_filename)}:{frame.f_code.co_name}")
            frame = frame.f_back
        stack.reverse()
        return stack


def _short(path: str) -> str:
    for marker in (*OWN, "site-packages/"):
        if marker in path:
            return path[path.index(marker) :].removeprefix("site-packages/")
    return path.rsplit("/", 1)[-1]


def stall_report(ticks: list[Tick], samples: list[StallSample], over_ms: float, top: int = 12) -> dict[str, Any]:
    """The stalls over `over_ms` (lateness, UI-thread CPU), and what the UI thread ran during them."""
    stalls = [t for t in ticks if t.late_ms > over_ms]
    return {"stalls": [(round(t.late_ms, 1), round(t.cpu_ms, 1)) for t in stalls], **charge(stalls, samples, top)}


def work_report(ticks: list[Tick], samples: list[StallSample], over_ms: float, top: int = 12) -> dict[str, Any]:
    """The intervals in which the UI thread itself ran over `over_ms` of CPU, and what it ran then."""
    busy = [t for t in ticks if t.cpu_ms > over_ms]
    return {"count": len(busy), **charge(busy, samples, top)}


def charge(ticks: list[Tick], samples: list[StallSample], top: int) -> dict[str, Any]:
    """The samples taken during these ticks' intervals, summed by the deepest frame of our own code and by the
    own-code path (what to fix)."""
    stalls = ticks
    own: Counter[str] = Counter()
    paths: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    for t in stalls:
        begin = t.at - (t.late_ms + 10) / 1000
        for s in samples:
            if begin <= s.at <= t.at:
                mine = [f for f in s.stack if f.startswith(OWN)]
                own[mine[-1] if mine else "(no own frame: Qt/asyncio)"] += 1
                paths[" > ".join(mine[-4:]) or "(none)"] += 1
                leaf[" > ".join(s.stack[-3:])] += 1
    return {
        "deepest_own": own.most_common(top),
        "own_paths": paths.most_common(top),
        "leaf": leaf.most_common(top),
    }
