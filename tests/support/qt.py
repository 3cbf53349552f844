"""Running qasync scenarios under pytest-qt (see ARCHITECTURE.md: qtbot.waitUntil alone does not run asyncio)."""

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def arun(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 20) -> T:
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


async def until(cond: Callable[[], object], timeout: float = 5, message: str = "condition not met in time") -> None:
    """Poll a condition while the event loop (and so Qt and the sockets) keeps running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(message)
        await asyncio.sleep(0.02)


def screenshot(widget: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


async def sign_in(qtbot: Any, dialog: Any, url: str, username: str, password: str) -> None:
    """Type into a shown sign-in dialog (common.qt.login_dialog) and click Log in."""
    await until(dialog.isVisible)
    for edit, text in ((dialog.server_edit, url), (dialog.username_edit, username), (dialog.password_edit, password)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    from PySide6.QtCore import Qt

    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
