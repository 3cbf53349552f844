"""One visit's timeline (GET /visits/{id}/timeline): status changes, priority changes, calls, payments and its
appointment's changes, each with who and when."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from common.client import ApiClient
from common.qt.formatting import format_datetime
from common.qt.table_model import Column, RowTableModel
from common.qt.timeline_text import describe
from common.qt.viewmodel import ViewModel
from common.schemas import TimelineEntry


class TimelineViewModel(ViewModel):
    loaded = Signal()

    def __init__(self, api: ApiClient, visit_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.visit_id = visit_id  # bound to one visit
        self.model: RowTableModel[TimelineEntry] = RowTableModel(
            [
                Column("When", lambda e: e.at, formatter=format_datetime),
                Column("What", describe),
                Column("By", lambda e: e.by_name or "—"),
                Column("Detail", lambda e: e.detail),
            ],
            key=lambda e: (e.kind, e.at, e.from_value, e.to_value, e.detail),
            parent=self,
        )

    async def load(self) -> list[TimelineEntry]:
        entries = await self.api.visit_timeline(self.visit_id)
        if not self._closed:
            self.model.sync_rows(entries)
            self.loaded.emit()
        return entries
