"""The day's cash-up: what was taken by method and by doctor (doctor share, centre share), refunds apart, totals,
in the clinic's currency; saved as the server's CSV or printable PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from client_reception.viewmodels.catalog import Catalog
from common.client import ApiClient
from common.qt.formatting import format_money, humanize_enum
from common.qt.table_model import Column, RowTableModel
from common.qt.viewmodel import ViewModel
from common.schemas import CashUpDoctorLine, CashUpMethodLine, CashUpReport


class CashUpViewModel(ViewModel):
    loaded = Signal()
    saved = Signal(str)  # the path written

    def __init__(self, api: ApiClient, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.catalog = catalog
        self.day: date = catalog.today()
        self.report: CashUpReport | None = None
        money = self.money
        self.by_method: RowTableModel[CashUpMethodLine] = RowTableModel(
            [
                Column("Method", lambda m: m.method, formatter=humanize_enum),
                Column("Payments", lambda m: m.count),
                Column("Amount", lambda m: m.amount, formatter=money),
            ],
            key=lambda m: m.method,
            parent=self,
        )
        self.refunds: RowTableModel[CashUpMethodLine] = RowTableModel(
            [
                Column("Method", lambda m: m.method, formatter=humanize_enum),
                Column("Refunds", lambda m: m.count),
                Column("Amount", lambda m: m.amount, formatter=money),
            ],
            key=lambda m: m.method,
            parent=self,
        )
        self.by_doctor: RowTableModel[CashUpDoctorLine] = RowTableModel(
            [
                Column("Doctor", lambda d: d.doctor_name),
                Column("Payments", lambda d: d.count),
                Column("Amount", lambda d: d.amount, formatter=money),
                Column("Doctor share", lambda d: d.doctor_share, formatter=money),
                Column("Centre share", lambda d: d.center_share, formatter=money),
            ],
            key=lambda d: d.doctor_id,
            parent=self,
        )

    @property
    def currency(self) -> str:
        return self.report.currency if self.report is not None else self.catalog.clinic.currency

    def money(self, value: object) -> str:
        return format_money(value, self.currency)  # type: ignore[arg-type]

    def set_day(self, day: date) -> None:
        if day != self.day:
            self.day = day
            self.refresh()

    async def load(self) -> CashUpReport:
        report = await self.api.cash_up(self.day)
        if not self._closed:
            self.report = report
            self.by_method.set_rows(report.by_method)
            self.refunds.set_rows(report.refunds_by_method)
            self.by_doctor.set_rows(report.by_doctor)
            self.loaded.emit()
        return report

    def file_name(self, suffix: str) -> str:
        return f"cash-up-{self.day:%Y-%m-%d}.{suffix}"

    async def save(self, path: str | Path, fmt: str) -> Path:
        """The server's CSV or PDF of the day, written to `path`."""
        data = await self.run(self.api.cash_up(self.day, fmt))  # type: ignore[call-overload]
        target = Path(path)
        target.write_bytes(data)
        self.info.emit(f"Cash-up saved to {target}")
        self.saved.emit(str(target))
        return target
