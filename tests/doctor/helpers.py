"""Small helpers shared by the doctor app tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QAbstractItemModel, Qt

from server.models import User
from tests.factories import auth
from tests.support.events import LiveRecorder

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def reception_http(base_url: str, receptionist: User) -> httpx.AsyncClient:
    """Plain HTTP as a receptionist: the 'other client' whose changes the doctor app must pick up live."""
    return httpx.AsyncClient(base_url=base_url, headers=auth(receptionist), timeout=10)


def table_texts(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def all_text(model: QAbstractItemModel) -> str:
    return "\n".join(" | ".join(row) for row in table_texts(model))


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 400, f"{response.status_code}: {response.text}"
    return response.json()


def doc_screenshot(widget: Any, name: str) -> Path:
    """The test's screenshot under tests/screenshots/; with UPDATE_DOC_SCREENSHOTS=1 also the README's copy in
    docs/screenshots/ (so an ordinary test run leaves the committed pictures alone)."""
    from tests.support.qt import screenshot

    path = screenshot(widget, name)
    if os.environ.get("UPDATE_DOC_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = DOCS_SCREENSHOTS / f"{name}.png"
        widget.grab().save(str(path))
    return path


@asynccontextmanager
async def reception_socket(base_url: str, username: str) -> AsyncIterator[LiveRecorder]:
    """A receptionist's live connection (the desk's room), recording what reaches it."""
    from common.client.api import ApiClient
    from common.client.live import LiveEvents
    from tests.factories import PASSWORD
    from tests.support.qt import until

    api = ApiClient(base_url)
    await api.login(username, PASSWORD)
    live = LiveEvents(api)
    recorder = LiveRecorder()
    live.add_listener(recorder)
    try:
        await live.connect(base_url)
        await until(lambda: live.connected, 10, "the reception socket did not come up")
        yield recorder
    finally:
        await live.close()
        await api.aclose()
