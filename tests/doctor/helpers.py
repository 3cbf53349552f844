"""Small helpers shared by the doctor app tests."""

from __future__ import annotations

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
