"""One visit's timeline (GET /visits/{id}/timeline): status changes, priority changes, calls and payments, each
with who and when."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from common.client import ApiClient
from common.qt.formatting import format_datetime, humanize_enum
from common.qt.table_model import Column, RowTableModel
from common.qt.viewmodel import ViewModel
from common.schemas import TimelineEntry


def describe(entry: TimelineEntry) -> str:
    before = humanize_enum(entry.from_value) if entry.from_value else ""
    after = humanize_enum(entry.to_value) if entry.to_value else ""
    change = f"{before} → {after}" if before else after
    if entry.kind == "status":
        return f"Status: {change}"
    if entry.kind == "priority":
        return f"Priority: {change}"
    if entry.kind == "call":  # the room is in `detail` (older servers put it in `to_value`)
        room = entry.detail or ("" if entry.to_value in (None, "CALLED") else entry.to_value)
        return f"Called to {room}" if room else "Called"
    if entry.kind == "payment":
        return f"Payment: {after}"
    return f"{humanize_enum(entry.kind)}: {change}"


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
