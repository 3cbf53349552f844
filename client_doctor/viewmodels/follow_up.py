"""Booking a follow-up from the consultation: this patient, this doctor, a service, a day, a free slot from the
server (GET /doctors/{id}/free-slots); the booking (POST /appointments) reaches reception live."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QObject, Signal

from common.client.api import ApiClient, ApiError
from common.qt.viewmodel import ViewModel
from common.schemas import AppointmentOut, DoctorOut, ServiceOut


class FollowUpViewModel(ViewModel):
    services_changed = Signal(list)  # list[ServiceOut]
    slots_changed = Signal(list)  # list[datetime] (UTC instants) for the chosen day and service
    booked = Signal(object)  # AppointmentOut
    refused = Signal(str)  # the server said no (the slot was taken meanwhile…)

    def __init__(self, api: ApiClient, doctor: DoctorOut, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.doctor = doctor
        self.patient_id: int | None = None
        self.services: list[ServiceOut] = []
        self.day: date | None = None
        self.service_id: int | None = None
        self.slots: list[datetime] = []

    def start(self, patient_id: int, service_id: int | None, day: date) -> None:
        self.patient_id, self.service_id, self.day = patient_id, service_id, day
        self.slots = []
        self.refresh()

    async def load(self) -> None:
        if not self.services:
            self.services = await self.api.list_services()
            self.services_changed.emit(self.services)
        if self.service_id is None and self.services:
            self.service_id = self.services[0].id
        await self._load_slots()

    def choose(self, *, day: date | None = None, service_id: int | None = None) -> None:
        self.day = day or self.day
        self.service_id = service_id or self.service_id
        self.spawn(self._load_slots())

    async def _load_slots(self) -> None:
        asked = (self.day, self.service_id)
        if self.day is None or self.service_id is None:
            return
        free = await self.api.free_slots(self.doctor.id, day=self.day, service_id=self.service_id)
        if asked != (self.day, self.service_id):  # the doctor picked something else meanwhile
            return
        self.slots = list(free.slots)
        self.slots_changed.emit(self.slots)

    def book(self, start: datetime, notes: str = "") -> None:
        self.spawn(self.book_now(start, notes))

    async def book_now(self, start: datetime, notes: str = "") -> AppointmentOut | None:
        if self.patient_id is None or self.service_id is None:
            return None
        body = {
            "patient_id": self.patient_id,
            "doctor_id": self.doctor.id,
            "service_id": self.service_id,
            "start_time": start,
            "notes": notes,
        }
        try:
            appt = await self.run(self.api.create_appointment(body))
        except ApiError as exc:
            if exc.status != 409:
                raise
            self.refused.emit(f"That time is no longer free: {exc.message}. Pick another one.")
            await self._load_slots()
            return None
        self.info.emit(f"Follow-up booked for {appt.patient.full_name}.")
        self.booked.emit(appt)
        return appt
