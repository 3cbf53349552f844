"""A tiny app for test_app_runner.py, run as a subprocess: `python -m tests.common.app_runner_probe <mode>`."""

import asyncio
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from common.qt.app_runner import current_runtime, run_app


def say(text: str) -> None:
    print(text, flush=True)


async def main(mode: str) -> object:
    runtime = current_runtime()
    say(f"names {QCoreApplication.organizationName()}/{QCoreApplication.applicationName()}")

    async def slow_hook() -> None:
        await asyncio.sleep(0.05)  # the loop still runs during shutdown hooks
        say("hook ran")

    runtime.on_shutdown(slow_hook)

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            say("task cancelled")
            raise

    runtime.tasks.spawn(forever())
    if mode == "cancel":
        return False
    window = QLabel("probe")
    window.setObjectName("probeWindow")
    window.show()
    runtime.window = window  # type: ignore[attr-defined]  (keep a reference)
    if mode == "close":
        QTimer.singleShot(100, window.close)
    elif mode == "request":
        QTimer.singleShot(100, lambda: runtime.request_quit(3))
    elif mode == "qtquit":
        QTimer.singleShot(100, QApplication.quit)
    return None


if __name__ == "__main__":
    probe_mode = sys.argv[1]
    code = run_app(lambda: main(probe_mode), "Probe", organization="ProbeOrg", argv=["probe"])
    say(f"exit {code}")
    sys.exit(code)
