"""Today's Work: the doctor's dashboard, the pushed patient, and starting a consultation."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from client_doctor.settings import DoctorSettings
from common.client.api import ApiClient
from common.client.errors import ApiError
from common.enums import Phase, VisitStatus
from common.qt.viewmodel import ViewModel
from common.schemas import DoctorDashboard, DoctorOut, PatientWithDoctorEvent, VisitOut

log = logging.getLogger(__name__)


class TodayViewModel(ViewModel):
    DEBOUNCE_MS = 300  # one refetch per burst of events
    dashboard_changed = Signal(object)  # DoctorDashboard
    highlight_changed = Signal(int)  # visit id of the pushed patient (0 = none)
    open_requested = Signal(int)  # visit id to open in the consultation view (the doctor asked for it)
    sent_in = Signal(int, str)  # visit id, patient name: reception sent this patient in (a push)
    toast = Signal(str)
    called = Signal(object)  # VisitOut: the patient "Call next" called

    def __init__(self, api: ApiClient, doctor: DoctorOut, settings: DoctorSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.api = api
        self.doctor = doctor
        self.settings = settings
        self.dashboard: DoctorDashboard | None = None
        self.highlighted_visit_id: int | None = None

    # --- loading --------------------------------------------------------------------------------------------

    async def load(self) -> DoctorDashboard:
        dashboard = await self.api.doctor_dashboard()
        self.dashboard = dashboard
        if self.highlighted_visit_id is not None and not any(
            v.id == self.highlighted_visit_id for v in dashboard.active_visits
        ):
            self.highlighted_visit_id = None  # the pushed patient is no longer with the doctor
            self.highlight_changed.emit(0)
        self.dashboard_changed.emit(dashboard)
        return dashboard

    @property
    def active_visits(self) -> list[VisitOut]:
        return list(self.dashboard.active_visits) if self.dashboard else []

    @property
    def next_waiting(self) -> list[VisitOut]:
        return list(self.dashboard.waiting_visits[:3]) if self.dashboard else []

    # --- the push from reception ----------------------------------------------------------------------------

    def on_patient_with_doctor(self, event: PatientWithDoctorEvent) -> None:
        # The server only sends to doctor_{id}; checking again costs nothing and keeps a stray event out.
        if event.visit.doctor_id != self.doctor.id:
            return
        self.highlighted_visit_id = event.visit.id
        self._apply_push(event.visit)  # shown at once from the push; the refetch below only confirms it
        self.highlight_changed.emit(event.visit.id)
        self.toast.emit(f"{event.patient.full_name} was sent in ({event.visit.service.name})")
        self.refresh_soon()
        # The window decides where it goes: never over an open consultation (issue 10, part 2).
        self.sent_in.emit(event.visit.id, event.patient.full_name)

    def _apply_push(self, visit: VisitOut) -> None:
        """Move the pushed visit into "With you now" on the dashboard already on screen (no request)."""
        dashboard = self.dashboard
        if dashboard is None:
            return
        was_waiting = any(v.id == visit.id for v in dashboard.waiting_visits)
        was_active = any(v.id == visit.id for v in dashboard.active_visits)
        active = [v for v in dashboard.active_visits if v.id != visit.id]
        self.dashboard = dashboard.model_copy(
            update={
                "active_visits": [*active, visit],
                "waiting_visits": [v for v in dashboard.waiting_visits if v.id != visit.id],
                "waiting": max(0, dashboard.waiting - was_waiting),
                "active_consultations": dashboard.active_consultations + (not was_active),
                "today_visits": dashboard.today_visits + (not was_waiting and not was_active),
            }
        )
        self.dashboard_changed.emit(self.dashboard)

    # --- actions --------------------------------------------------------------------------------------------

    def call_next(self) -> None:
        self.spawn(self.call_next_now())

    async def call_next_now(self) -> VisitOut | None:
        """POST /queue/call-next for this doctor: the first waiting patient (priority, then check-in) is called;
        the waiting-room display and the desk hear it (visit_called)."""
        try:
            visit = await self.run(self.api.call_next(self.doctor.id))
        except ApiError as exc:
            if exc.status == 404 and exc.code == "nobody_waiting":
                self.toast.emit("Nobody is waiting for you.")
                return None
            raise
        self.called.emit(visit)
        self.refresh_soon()
        return visit

    def start_consultation(self, visit: VisitOut) -> None:
        # A card drawn before the push arrived still says WAITING; the push already made it ours to open.
        if visit.status == VisitStatus.IN_PROGRESS or visit.id == self.highlighted_visit_id:
            self.open_requested.emit(visit.id)
            return
        self.spawn(self._start_waiting(visit))

    async def _start_waiting(self, visit: VisitOut) -> None:
        try:
            moved = await self.api.move(visit.id, Phase.WITH_DOCTOR, expected_version=visit.version)
        except ApiError as exc:
            if exc.status != 409:
                raise
            # The card was stale. If reception already sent this patient in, just open it; else say why not.
            current = await self.api.visit(visit.id)
            self.refresh_soon()
            if current.status == VisitStatus.IN_PROGRESS and current.doctor_id == self.doctor.id:
                self.open_requested.emit(current.id)
                return
            raise
        self.open_requested.emit(moved.id)
        self.refresh_soon()
