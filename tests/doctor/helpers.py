"""Small helpers shared by the doctor app tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QAbstractItemModel, Qt

from server.models import User
from tests.factories import auth

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
    """A screenshot the README shows (docs/screenshots/), besides the test's own under tests/screenshots/."""
    from tests.support.qt import screenshot

    screenshot(widget, name)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = DOCS_SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


class EventRecorder:
    """A LiveEvents listener that keeps every event (name, payload): the reception side of a live test."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def on_event(self, name: str, payload: dict[str, Any]) -> None:
        self.events.append((name, payload))

    def on_resync(self, reason: str) -> None:
        pass

    def on_state_changed(self, state: str) -> None:
        pass

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for n, payload in self.events if n == name]


@asynccontextmanager
async def reception_socket(base_url: str, username: str) -> AsyncIterator[EventRecorder]:
    """A receptionist's live connection (the desk's room), recording what reaches it."""
    from common.client.api import ApiClient
    from common.client.live import LiveEvents
    from tests.factories import PASSWORD
    from tests.support.qt import until

    api = ApiClient(base_url)
    await api.login(username, PASSWORD)
    live = LiveEvents(api)
    recorder = EventRecorder()
    live.add_listener(recorder)
    try:
        await live.connect(base_url)
        await until(lambda: live.connected, 10, "the reception socket did not come up")
        yield recorder
    finally:
        await live.close()
        await api.aclose()
