"""My Earnings: filters, summary (computed by the server over the filtered set), groups per day, paging, CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from client_doctor import fmt
from common.client.api import ApiClient
from common.qt.paged_model import PagedTableModel
from common.qt.table_model import RIGHT, Column
from common.qt.viewmodel import ViewModel
from common.schemas import EarningRow, EarningsGroup, EarningsPage, EarningsQuery, EarningsSummary

PER_PAGE = 200

__all__ = ["EarningsQuery", "EarningsViewModel"]

EARNING_COLUMNS: list[Column[EarningRow]] = [
    Column("Date", lambda r: fmt.day(r.date)),
    Column("Patient", lambda r: r.patient_name),
    Column("Service", lambda r: r.service_name),
    Column("Total", lambda r: fmt.money(r.amount), alignment=RIGHT),
    Column("Doctor share", lambda r: fmt.money(r.doctor_share), alignment=RIGHT),
    Column("Status", lambda r: fmt.title(r.status)),
    Column("Method", lambda r: fmt.title(r.method)),
]


class EarningsViewModel(ViewModel):
    DEBOUNCE_MS = 300  # payment_processed may come in bursts (a receptionist paying several visits)
    summary_changed = Signal(object)  # EarningsSummary
    groups_changed = Signal(list)  # list[EarningsGroup], oldest day first (for the chart)
    status_groups_changed = Signal(list)  # list[EarningsGroup] by payment status (when grouping by status)
    exported = Signal(str, int)  # path, number of data rows
    exporting_changed = Signal(bool)

    def __init__(self, api: ApiClient, parent: QObject | None = None, *, per_page: int = PER_PAGE) -> None:
        super().__init__(parent)
        self.api = api
        self.per_page = per_page
        self.filters = EarningsQuery()  # the filters; paging is asked per fetch
        self.summary: EarningsSummary | None = None
        self.groups: list[EarningsGroup] = []
        self.status_groups: list[EarningsGroup] = []
        self.by_status = False  # also fetch the per-status buckets (group_by=status)
        self.exporting = False
        self.model: PagedTableModel[EarningRow] = PagedTableModel(EARNING_COLUMNS, self)
        self.model.more_wanted.connect(self._load_next_page)
        self.pages_fetched = 0

    def set_group_by_status(self, on: bool) -> None:
        if on != self.by_status:
            self.by_status = on
            self.refresh()

    def set_filters(self, filters: EarningsQuery) -> None:
        self.filters = filters
        self.refresh()

    async def _fetch(self, page: int, *, with_groups: bool) -> EarningsPage:
        self.pages_fetched += 1
        return await self.api.earnings(
            self.filters, page=page, per_page=self.per_page, group_by="date" if with_groups else None
        )

    async def load(self) -> EarningsPage:
        """First page + summary + per-day groups for the current filters; replaces the table."""
        filters = self.filters
        result = await self._fetch(1, with_groups=True)
        if filters != self.filters:  # filters changed while loading: a newer load is on its way
            return result
        self.model.reset(result.items, result.total)
        self.summary = result.summary
        self.groups = sorted(result.groups or [], key=lambda g: g.date or date.min)  # groups by date here
        self.summary_changed.emit(result.summary)
        self.groups_changed.emit(self.groups)
        if self.by_status:
            by_status = await self.api.earnings(filters, page=1, per_page=1, group_by="status")
            if filters == self.filters:
                self.status_groups = list(by_status.groups or [])
                self.status_groups_changed.emit(self.status_groups)
        return result

    def _load_next_page(self) -> None:
        self.spawn(self.load_next_page())

    async def load_next_page(self) -> bool:
        generation = self.model.generation
        page = self.model.loaded // self.per_page + 1
        self.model.loading = True
        try:
            result = await self._fetch(page, with_groups=False)
        except BaseException:
            self.model.page_failed(generation)
            raise
        return self.model.append_page(generation, result.items, result.total)

    async def export_csv(self, path: Path | str) -> int:
        """Write the filtered rows (all of them, streamed by the server) to `path`; returns the data row count."""
        target = Path(path)
        self.exporting = True
        self.exporting_changed.emit(True)
        try:
            await self.api.earnings_csv_to(target, self.filters)  # streamed: never the whole export in memory
        finally:
            self.exporting = False
            self.exporting_changed.emit(False)
        rows = _count_csv_rows(target)
        self.exported.emit(str(target), rows)
        self.info.emit(f"Exported {rows} payment{'s' if rows != 1 else ''} to {target}")
        return rows

    def export_to(self, path: str) -> None:
        self.spawn(self.export_csv(path))


def _count_csv_rows(path: Path) -> int:
    """Data rows of an exported file (the header excluded); a quoted newline inside a field is one row."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
