"""Schedule: appointments grouped by day, with date range and status filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHeaderView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client_doctor import fmt
from client_doctor.viewmodels.schedule import DEFAULT_DAYS, ScheduleViewModel
from client_doctor.views.schedule_details import AppointmentDetails
from client_doctor.views.widgets import label
from common.enums import AppointmentStatus
from common.qt.flow_layout import flow_widget, labelled
from common.schemas import AppointmentOut

EMPTY_TEXT = "No upcoming appointments"


def _date_edit(name: str, value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class ScheduleView(QWidget):
    open_record = Signal(int)  # visit id (from the details' list of the patient's visits)

    def __init__(self, vm: ScheduleViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("scheduleView")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 20, 24, 20)
        root.setSpacing(10)
        root.addWidget(label("Schedule", "pageTitle", elide=True))

        self.start = _date_edit("scheduleStart", vm.start_date)
        self.end = _date_edit("scheduleEnd", vm.end_date)
        self.status = QComboBox()
        self.status.setObjectName("scheduleStatus")
        self.status.addItem("Upcoming (confirmed, checked in)", None)
        for status in AppointmentStatus:
            self.status.addItem(fmt.title(status), status)
        self.next30 = QPushButton(f"Next {DEFAULT_DAYS} days")
        self.next30.setObjectName("scheduleDefault")
        self.next30.clicked.connect(self.reset_filters)
        self.refresh = QPushButton("Refresh")
        self.refresh.setObjectName("scheduleRefresh")
        self.refresh.clicked.connect(vm.refresh)
        self.filters = flow_widget(
            self,
            labelled(self, "From", self.start),
            labelled(self, "To", self.end),
            self.status,
            self.next30,
            self.refresh,
            name="scheduleFilters",
        )
        root.addWidget(self.filters)

        self.details_button = QPushButton("View details")
        self.details_button.setObjectName("scheduleDetails")
        self.details_button.setAccessibleName("View the selected appointment's details")
        self.details_button.setToolTip("The appointment and the patient's record (Enter or double-click)")
        self.details_button.clicked.connect(self.show_details)
        self.cancel_button = QPushButton("Cancel…")
        self.cancel_button.setObjectName("scheduleCancel")
        self.cancel_button.setAccessibleName("Cancel the selected appointment")
        self.cancel_button.setToolTip("Cancel the selected appointment, with a reason reception will see")
        self.cancel_button.clicked.connect(self.ask_cancel)
        root.addWidget(flow_widget(self, self.details_button, self.cancel_button, name="scheduleActions"))

        self.tree = QTreeWidget()
        self.tree.setObjectName("scheduleTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Time", "Patient", "Service", "Status"])
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        self.tree.setItemsExpandable(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.header().setMinimumSectionSize(40)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the columns share the width
        self.empty = label(EMPTY_TEXT, "scheduleEmpty", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # One of the two fills the page: the list, or the empty state in its place.
        self.body = QStackedWidget()
        self.body.addWidget(self.tree)
        self.body.addWidget(self.empty)
        self.details = AppointmentDetails()
        self.details.hide()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.body)
        split.addWidget(self.details)
        split.setSizes([640, 380])
        root.addWidget(split, 1)
        self.tree.setAccessibleName("Appointments by day")
        self.tree.itemActivated.connect(lambda *_: self.show_details())
        self.tree.currentItemChanged.connect(lambda *_: self._update_actions())
        self.details.closed.connect(vm.hide_details)
        self.details.cancel_confirmed.connect(vm.cancel)
        self.details.open_record.connect(self.open_record.emit)
        vm.details_changed.connect(self.details.show_appointment)
        vm.details_changed.connect(lambda *_: self._update_actions())
        for widget, name in (
            (self.start, "From date"),
            (self.end, "To date"),
            (self.status, "Status filter"),
            (self.next30, f"Next {DEFAULT_DAYS} days"),
            (self.refresh, "Refresh the schedule"),
        ):
            widget.setAccessibleName(name)
        self._update_actions()

        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._filters_changed)
        self.status.currentIndexChanged.connect(self._filters_changed)
        vm.appointments_changed.connect(self.show_groups)

    def _filters_changed(self, *_: object) -> None:
        self.vm.set_filters(
            start_date=cast(date, self.start.date().toPython()),  # the stubs say object
            end_date=cast(date, self.end.date().toPython()),
            status=self.status.currentData(),
        )

    def reset_filters(self) -> None:
        today = fmt.today()
        for w in (self.start, self.end, self.status):
            w.blockSignals(True)
        self.start.setDate(QDate(today.year, today.month, today.day))
        end = today + timedelta(days=DEFAULT_DAYS)
        self.end.setDate(QDate(end.year, end.month, end.day))
        self.status.setCurrentIndex(0)
        for w in (self.start, self.end, self.status):
            w.blockSignals(False)
        self._filters_changed()

    def show_groups(self, groups: list[tuple[date, list[AppointmentOut]]]) -> None:
        selected = self.selected_id()
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        day_background = QBrush(QColor("#eef2f7"))
        for day, items in groups:
            count = f"{len(items)} appointment{'s' if len(items) != 1 else ''}"
            header = QTreeWidgetItem([f"{fmt.weekday(day)}  ·  {count}"])
            header.setFont(0, bold)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for col in range(self.tree.columnCount()):
                header.setBackground(col, day_background)
            self.tree.addTopLevelItem(header)
            header.setFirstColumnSpanned(True)  # the day reads across the whole row
            for appt in items:
                child = QTreeWidgetItem(
                    [
                        f"{fmt.time(appt.start_time)}–{fmt.time(appt.end_time)}",
                        appt.patient.full_name,
                        appt.service.name,
                        fmt.title(appt.status),
                    ]
                )
                child.setData(0, Qt.ItemDataRole.UserRole, appt.id)  # for tests and actions
                for col in range(self.tree.columnCount()):  # a narrow column ends in "…": the whole text on hover
                    child.setToolTip(col, child.text(col))
                header.addChild(child)
            header.setExpanded(True)
        self.body.setCurrentWidget(self.tree if groups else self.empty)
        if selected is not None:
            self.select(selected)  # a refetch (a live event, the minute timer) keeps the row the doctor was on
        self._update_actions()

    # --- one appointment ------------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, appointment_id: int) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            assert top is not None  # i < topLevelItemCount()
            for j in range(top.childCount()):
                child = top.child(j)
                if child is not None and child.data(0, Qt.ItemDataRole.UserRole) == appointment_id:
                    self.tree.setCurrentItem(child)
                    return True
        return False

    def _update_actions(self) -> None:
        appt = self.vm.find(self.selected_id() or 0)
        self.details_button.setEnabled(appt is not None)
        self.cancel_button.setEnabled(appt is not None and appt.status == AppointmentStatus.CONFIRMED)

    def show_details(self) -> None:
        appointment_id = self.selected_id()
        if appointment_id is not None:
            self.vm.show_details(appointment_id)

    def ask_cancel(self) -> None:
        appointment_id = self.selected_id()
        if appointment_id is None:
            return
        if self.details.appointment is None or self.details.appointment.id != appointment_id:
            self.vm.show_details(appointment_id)
        self.details.ask_cancel()

    def appointment_ids(self) -> list[int]:
        ids: list[int] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            assert top is not None  # i < topLevelItemCount()
            ids.extend(
                child.data(0, Qt.ItemDataRole.UserRole) for j in range(top.childCount()) if (child := top.child(j))
            )
        return ids
