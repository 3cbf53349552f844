"""Appointments screen: a day or a week, filtered by doctor and status; book, edit, cancel; free start times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum

from PySide6.QtCore import QObject, Signal

from client_reception import slots as slot_rules
from client_reception.viewmodels.catalog import Catalog
from client_reception.viewmodels.patients import PatientSearch
from client_reception.viewmodels.tables import appointment_table
from common.client import ApiClient, ApiError
from common.enums import AppointmentStatus
from common.qt.viewmodel import ViewModel
from common.schemas import AppointmentCreate, AppointmentOut, AppointmentUpdate

DAY, WEEK = "day", "week"
Unset = Enum("Unset", "UNSET")  # a one-member enum: a sentinel a type checker can narrow away
UNSET = Unset.UNSET  # "leave this filter as it is"
HOLDING = [AppointmentStatus.CONFIRMED, AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED]


def explain_booking_error(exc: ApiError) -> ApiError:
    """The server's booking refusals name ids and ISO times; say what happened in desk words instead."""
    reason = exc.details.get("reason")
    if reason == "double_booking":
        message = "That time was just taken: the doctor already has an appointment then. Pick another start time."
    elif reason == "outside_schedule":
        message = f"{exc.message}. Pick one of the offered start times."
    else:
        return exc
    return ApiError(exc.status, message, field="start_time", code=exc.code, details=exc.details)


class AppointmentsViewModel(ViewModel):
    loaded = Signal()
    saved = Signal(object)  # AppointmentOut

    DEBOUNCE_MS = 200

    def __init__(self, api: ApiClient, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.catalog = catalog
        self.model = appointment_table(self, with_date=True)
        self.search = PatientSearch(api, self)  # for the booking dialog's patient picker
        self.search.error.connect(self.error)
        self.mode = DAY
        self.anchor: date = catalog.today()
        self.doctor_id: int | None = None
        self.status: AppointmentStatus | None = None

    # --- the list ---------------------------------------------------------------------------------------------

    @property
    def date_range(self) -> tuple[date, date]:
        if self.mode == WEEK:
            monday = self.anchor - timedelta(days=self.anchor.weekday())
            return monday, monday + timedelta(days=6)
        return self.anchor, self.anchor

    def set_filters(
        self,
        *,
        mode: str | None = None,
        anchor: date | None = None,
        doctor_id: int | None | Unset = UNSET,
        status: AppointmentStatus | None | Unset = UNSET,
    ) -> None:
        if mode is not None:
            self.mode = mode
        if anchor is not None:
            self.anchor = anchor
        if doctor_id is not UNSET:
            self.doctor_id = doctor_id
        if status is not UNSET:
            self.status = status
        self.refresh()

    def step(self, direction: int) -> None:
        days = 7 if self.mode == WEEK else 1
        self.set_filters(anchor=self.anchor + timedelta(days=days * direction))

    async def load(self) -> list[AppointmentOut]:
        start, end = self.date_range
        page = await self.api.list_appointments(
            start_date=start, end_date=end, doctor_id=self.doctor_id, status=self.status, per_page=500
        )
        rows = sorted(page.items, key=lambda a: a.start_time)
        if not self._closed:
            self.model.sync_rows(rows)
            self.loaded.emit()
        return rows

    def appointment_at(self, row: int) -> AppointmentOut | None:
        return self.model.row_at(row)

    # --- booking ----------------------------------------------------------------------------------------------

    async def free_start_times(
        self, *, doctor_id: int, service_id: int, day: date, ignore_id: int | None = None
    ) -> list[datetime]:
        """Start times in the doctor's available hours that clash with no booking (the server re-checks)."""
        service = self.catalog.service(service_id)
        if service is None:
            return []
        schedule = await self.api.doctor_schedule(doctor_id)
        booked = await self.api.list_appointments(
            start_date=day, end_date=day, doctor_id=doctor_id, status=HOLDING, per_page=500
        )
        busy = slot_rules.busy_intervals(booked.items, doctor_id=doctor_id, ignore_id=ignore_id)
        return slot_rules.free_start_times(
            day=day,
            timezone=self.catalog.clinic.timezone,
            slots=schedule.slots,
            busy=busy,
            duration_minutes=service.duration_minutes,
        )

    async def create(self, data: AppointmentCreate) -> AppointmentOut:
        try:
            appt = await self.run(self.api.create_appointment(data))
        except ApiError as exc:
            raise explain_booking_error(exc) from exc
        self._saved(appt, "Booked")
        return appt

    async def update(self, appointment_id: int, data: AppointmentUpdate) -> AppointmentOut:
        try:
            appt = await self.run(self.api.update_appointment(appointment_id, data))
        except ApiError as exc:
            raise explain_booking_error(exc) from exc
        self._saved(appt, "Saved")
        return appt

    async def cancel(self, appointment_id: int, reason: str = "") -> AppointmentOut:
        appt = await self.run(self.api.cancel_appointment(appointment_id, reason=reason))
        self._saved(appt, "Cancelled")
        return appt

    def _saved(self, appt: AppointmentOut, verb: str) -> None:
        local = appt.start_time.astimezone(self.catalog.tz)
        self.info.emit(f"{verb}: {appt.patient.full_name} with {appt.doctor.full_name}, {local:%a %d %b %H:%M}")
        self.saved.emit(appt)
        self.refresh_soon()

    def close(self) -> None:
        self.search.close()
        super().close()
