"""The visit record: one visit read-only (patient, notes, prescription, payments, its timeline), for printing too."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from common.client.api import ApiClient
from common.qt.viewmodel import ViewModel
from common.schemas import TimelineEntry, VisitDetail


@dataclass(frozen=True)
class VisitRecord:
    visit: VisitDetail
    timeline: list[TimelineEntry]


class VisitRecordViewModel(ViewModel):
    loaded = Signal(object)  # VisitRecord

    def __init__(self, api: ApiClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.visit_id: int | None = None
        self.record: VisitRecord | None = None

    def open(self, visit_id: int) -> None:
        self.visit_id = visit_id
        self.record = None
        self.refresh()

    async def load(self) -> VisitRecord | None:
        visit_id = self.visit_id
        if visit_id is None:
            return None
        visit = await self.api.visit(visit_id)
        timeline = await self.api.visit_timeline(visit_id)
        if visit_id != self.visit_id:  # another record was opened meanwhile
            return None
        self.record = VisitRecord(visit=visit, timeline=timeline)
        self.loaded.emit(self.record)
        return self.record

    def keep_fresh(self, *_: object) -> None:
        if self.visit_id is not None and self.fetch_count:
            self.refresh_soon()
