"""My Earnings: summary cards, filters, the paged table (or per-day groups), a chart, Export CSV."""

from __future__ import annotations

from datetime import date
from typing import cast

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.viewmodels.earnings import EarningsQuery, EarningsViewModel
from client_doctor.views.style import ACCENT
from client_doctor.views.widgets import StatCard, label
from common.enums import PaymentMethod, PaymentStatus
from common.qt.flow_layout import FlowLayout, flow_widget, labelled
from common.qt.paged_model import PagedTableModel
from common.qt.table_model import RIGHT, Column
from common.schemas import EarningsGroup, EarningsSummary

ANY_DATE = QDate(2000, 1, 1)  # the minimum of the date edits, shown as "Any"
BAR_MAX_DAYS = 31  # more bars than this are unreadable: longer periods are drawn as a line

STATUS_GROUP_COLUMNS: list[Column[EarningsGroup]] = [
    Column("Status", lambda g: fmt.title(g.status)),
    Column("Payments", lambda g: str(g.count), alignment=RIGHT),
    Column("Total", lambda g: fmt.money(g.amount), alignment=RIGHT),
    Column("Doctor share", lambda g: fmt.money(g.doctor_share), alignment=RIGHT),
]

NO_GROUPING, BY_DATE, BY_STATUS = range(3)

GROUP_COLUMNS: list[Column[EarningsGroup]] = [
    Column("Date", lambda g: fmt.day(g.date)),
    Column("Payments", lambda g: str(g.count), alignment=RIGHT),
    Column("Total", lambda g: fmt.money(g.amount), alignment=RIGHT),
    Column("Doctor share", lambda g: fmt.money(g.doctor_share), alignment=RIGHT),
]


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(ANY_DATE)
    edit.setSpecialValueText("Any")
    edit.setDate(ANY_DATE)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _combo(name: str, items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for text, value in items:
        combo.addItem(text, value)
    return combo


class EarningsView(QWidget):
    def __init__(self, vm: EarningsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("earningsView")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 20, 24, 20)
        root.setSpacing(12)
        header = QHBoxLayout()
        header.addWidget(label("My Earnings", "pageTitle", elide=True), 1)
        self.export = QPushButton("Export CSV…")
        self.export.setObjectName("exportButton")
        self.export.clicked.connect(self.choose_export_path)
        header.addWidget(self.export)
        root.addLayout(header)
        self.export_status = label("", "statNote", wrap=True)
        self.export_status.setObjectName("exportStatus")
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_status.hide()
        root.addWidget(self.export_status)

        cards_box = QWidget()
        cards_box.setObjectName("earningsCards")
        cards = FlowLayout(cards_box, spacing=10)
        self.card_paid = StatCard("Total paid (your share)", "total_paid")
        self.card_pending = StatCard("Pending", "pending")
        self.card_refunded = StatCard("Refunded", "refunded")
        self.card_month = StatCard("This month", "this_month")
        for card in (self.card_paid, self.card_pending, self.card_refunded, self.card_month):
            cards.addWidget(card)
        root.addWidget(cards_box)

        self.start = _date_edit("startDate")
        self.end = _date_edit("endDate")
        self.status = _combo("statusFilter", [("All statuses", None)] + [(fmt.title(s), s) for s in PaymentStatus])
        self.method = _combo("methodFilter", [("All methods", None)] + [(fmt.title(m), m) for m in PaymentMethod])
        self.group = _combo(
            "groupBy", [("No grouping", None), ("Group by date", "date"), ("Group by status", "status")]
        )
        self.clear = QPushButton("Clear filters")
        self.clear.setObjectName("clearFilters")
        self.clear.clicked.connect(self.clear_filters)
        self.filters = flow_widget(
            self,
            labelled(self, "From", self.start),
            labelled(self, "To", self.end),
            self.status,
            self.method,
            self.clear,
            self.group,
            name="earningsFilters",
        )
        root.addWidget(self.filters)
        self.count = label("", "statNote")
        self.count.setObjectName("earningsCount")
        root.addWidget(self.count)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.tables = QStackedWidget()
        self.table = QTableView()
        self.table.setObjectName("earningsTable")
        self.table.setModel(vm.model)
        self._setup_table(self.table)
        self.groups_model: PagedTableModel[EarningsGroup] = PagedTableModel(GROUP_COLUMNS, self)
        self.groups_table = QTableView()
        self.groups_table.setObjectName("groupsTable")
        self.groups_table.setModel(self.groups_model)
        self._setup_table(self.groups_table)
        self.status_groups_model: PagedTableModel[EarningsGroup] = PagedTableModel(STATUS_GROUP_COLUMNS, self)
        self.status_groups_table = QTableView()
        self.status_groups_table.setObjectName("statusGroupsTable")
        self.status_groups_table.setModel(self.status_groups_model)
        self._setup_table(self.status_groups_table)
        self.tables.addWidget(self.table)
        self.tables.addWidget(self.groups_table)
        self.tables.addWidget(self.status_groups_table)
        splitter.addWidget(self.tables)

        self.chart = QChart()
        self.chart.setTitle("Your share per day")
        self.chart.legend().hide()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("earningsChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(200)
        splitter.addWidget(self.chart_view)
        splitter.setSizes([420, 240])
        root.addWidget(splitter, 1)

        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._filters_changed)
        for combo in (self.status, self.method):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.group.currentIndexChanged.connect(self._grouping_changed)
        vm.status_groups_changed.connect(self.show_status_groups)
        vm.exported.connect(self._exported)
        vm.exporting_changed.connect(self._exporting)
        vm.error.connect(lambda _message: self._exporting(False))
        for widget, name in (
            (self.export, "Export the filtered earnings as CSV"),
            (self.start, "From date"),
            (self.end, "To date"),
            (self.status, "Payment status filter"),
            (self.method, "Payment method filter"),
            (self.clear, "Clear filters"),
            (self.group, "Grouping"),
            (self.table, "Payments"),
            (self.groups_table, "Earnings per day"),
            (self.status_groups_table, "Earnings per payment status"),
            (self.chart_view, "Your share per day, chart"),
        ):
            widget.setAccessibleName(name)
        for table in (self.table, self.groups_table, self.status_groups_table):
            table.setTabKeyNavigation(False)
        vm.summary_changed.connect(self.show_summary)
        vm.groups_changed.connect(self.show_groups)
        vm.model.modelReset.connect(self._show_count)
        vm.model.rowsInserted.connect(self._show_count)
        self._file_dialog: QFileDialog | None = None

    @staticmethod
    def _setup_table(table: QTableView) -> None:
        table.verticalHeader().hide()
        # Fixed row heights: with 100 000 rows Qt must not measure each one.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(26)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    # --- filters ----------------------------------------------------------------------------------------------

    def current_filters(self) -> EarningsQuery:
        def day(edit: QDateEdit) -> date | None:
            return None if edit.date() == ANY_DATE else cast(date, edit.date().toPython())  # stubs say object

        return EarningsQuery(
            start_date=day(self.start),
            end_date=day(self.end),
            status=self.status.currentData(),
            payment_method=self.method.currentData(),
        )

    def _filters_changed(self, *_: object) -> None:
        self.vm.set_filters(self.current_filters())

    def clear_filters(self) -> None:
        for w in (self.start, self.end, self.status, self.method):
            w.blockSignals(True)
        self.start.setDate(ANY_DATE)
        self.end.setDate(ANY_DATE)
        self.status.setCurrentIndex(0)
        self.method.setCurrentIndex(0)
        for w in (self.start, self.end, self.status, self.method):
            w.blockSignals(False)
        self._filters_changed()

    # --- results ----------------------------------------------------------------------------------------------

    def show_summary(self, summary: EarningsSummary) -> None:
        self.card_paid.set(fmt.money(summary.total_paid))
        self.card_pending.set(fmt.money(summary.pending))
        self.card_refunded.set(fmt.money(summary.refunded))
        self.card_month.set(fmt.money(summary.this_month))
        self._show_count()

    def _show_count(self, *_: object) -> None:
        model = self.vm.model
        noun = "payment" if model.total == 1 else "payments"
        self.count.setText(f"{model.total} {noun} · {model.loaded} loaded")

    def show_groups(self, groups: list[EarningsGroup]) -> None:
        newest_first = list(reversed(groups))
        self.groups_model.reset(newest_first, len(newest_first))
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        if len(groups) <= BAR_MAX_DAYS:
            self._bar_chart(groups)
        else:
            self._line_chart(groups)
        unit = f" ({fmt.currency()})" if fmt.currency() else ""
        self.chart.setTitle(f"Your share per day{unit}" if groups else "No earnings in this period")

    def _value_axis(self, top: float) -> QValueAxis:
        y = QValueAxis()
        y.setRange(0, top * 1.1 if top > 0 else 1)
        y.setLabelFormat("%.0f")
        y.applyNiceNumbers()  # round ticks (0, 50, 100…) instead of fractions of the maximum
        return y

    def _bar_chart(self, groups: list[EarningsGroup]) -> None:
        """Up to a month: one labelled bar per day."""
        bars = QBarSet("Your share")
        bars.setColor(QColor(ACCENT))
        for g in groups:
            bars.append(float(g.doctor_share))
        series = QBarSeries()
        series.append(bars)
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([g.date.strftime("%d %b") for g in groups if g.date is not None])  # groups by date here
        x.setLabelsAngle(-60 if len(groups) > 12 else 0)
        y = self._value_axis(max((float(g.doctor_share) for g in groups), default=0.0))
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)

    def _line_chart(self, groups: list[EarningsGroup]) -> None:
        """Longer periods: a line on a time axis, readable at any number of days."""
        series = QLineSeries()
        series.setName("Your share")
        series.setColor(QColor(ACCENT))
        for g in groups:
            if g.date is None:  # groups by date here
                continue
            moment = QDateTime(QDate(g.date.year, g.date.month, g.date.day), QTime(12, 0))
            series.append(float(moment.toMSecsSinceEpoch()), float(g.doctor_share))
        self.chart.addSeries(series)
        x = QDateTimeAxis()
        x.setFormat("d MMM yyyy")
        x.setTickCount(6)
        y = self._value_axis(max(float(g.doctor_share) for g in groups))
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)

    def _grouping_changed(self, index: int) -> None:
        self.tables.setCurrentIndex(index)
        self.vm.set_group_by_status(index == BY_STATUS)

    def show_status_groups(self, groups: list[EarningsGroup]) -> None:
        self.status_groups_model.reset(groups, len(groups))

    # --- export -----------------------------------------------------------------------------------------------

    def _exporting(self, on: bool) -> None:
        self.export.setEnabled(not on)
        self.export.setText("Exporting…" if on else "Export CSV…")
        if on:
            self.export_status.setText("Exporting…")
            self.export_status.show()

    def _exported(self, path: str, rows: int) -> None:
        self.export_status.setText(f"Exported {rows} payment{'s' if rows != 1 else ''} to {path}")
        self.export_status.show()

    def choose_export_path(self) -> None:
        # open(), not exec(): the event loop (and the sockets) keep running while the dialog is up.
        dialog = QFileDialog(self, "Export earnings as CSV", "earnings.csv", "CSV files (*.csv)")
        dialog.setObjectName("exportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self.vm.export_to)
        dialog.finished.connect(dialog.deleteLater)
        self._file_dialog = dialog
        dialog.open()
