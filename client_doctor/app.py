"""A logged-in doctor session: the profile, the live connection and the main window, built from an ApiClient.

`__main__` gets the ApiClient from the shared login dialog; tests and the startup benchmark log in directly.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from client_doctor.drafts import DraftStore
from client_doctor.settings import DoctorSettings, data_dir
from client_doctor.viewmodels.consultation import ConsultationViewModel
from client_doctor.viewmodels.earnings import EarningsViewModel
from client_doctor.viewmodels.follow_up import FollowUpViewModel
from client_doctor.viewmodels.patients import PatientsViewModel
from client_doctor.viewmodels.record import VisitRecordViewModel
from client_doctor.viewmodels.schedule import ScheduleViewModel
from client_doctor.viewmodels.today import TodayViewModel
from client_doctor.views.main_window import DoctorMainWindow
from common.client.api import ApiClient
from common.client.errors import ApiError
from common.client.live import LiveEvents
from common.enums import Role
from common.qt.bridge import EventBridge
from common.qt.formatting import set_currency, set_display_timezone
from common.qt.session_guard import SessionGuard
from common.schemas import DoctorOut

log = logging.getLogger(__name__)


class DoctorSession:
    def __init__(
        self, api: ApiClient, doctor: DoctorOut, live: LiveEvents, bridge: EventBridge, window: DoctorMainWindow
    ) -> None:
        self.api = api
        self.doctor = doctor
        self.live = live
        self.bridge = bridge
        self.window = window
        self._closed = False
        # An ended session brings the sign-in dialog over this window; the work on screen stays.
        self.session_guard = SessionGuard(
            api,
            live,
            window,
            title="Consulting room",
            allowed_roles={Role.DOCTOR},
            on_resume=self.resync,
            parent=window,
        )

    @classmethod
    async def start(
        cls,
        api: ApiClient,
        *,
        settings: DoctorSettings | None = None,
        drafts_dir: Path | None = None,
        show: bool = True,
    ) -> DoctorSession:
        """Resolve the doctor's own profile, build the window, connect the live events (the server puts this
        socket in doctor_{doctor.id} from the token). Raises ApiError if the user has no doctor profile."""
        doctor = await api.my_doctor()
        clinic = None
        set_currency("")  # bare amounts if the clinic cannot be read, never a previous session's currency
        with contextlib.suppress(ApiError):  # times read in the clinic's zone; the machine's zone if unknown
            clinic = await api.get_clinic(doctor.clinic_id)
            set_display_timezone(clinic.timezone)
            set_currency(clinic.currency)  # every amount on screen and on printouts in the clinic's currency
        settings = settings or DoctorSettings()
        drafts = DraftStore(drafts_dir or data_dir() / "drafts")
        window = DoctorMainWindow(
            doctor=doctor,
            today=TodayViewModel(api, doctor, settings),
            consultation=ConsultationViewModel(api, doctor, drafts),
            earnings=EarningsViewModel(api),
            patients=PatientsViewModel(api, doctor),
            schedule=ScheduleViewModel(api, doctor=doctor),
            record=VisitRecordViewModel(api),
            follow_up=FollowUpViewModel(api, doctor),
        )
        window.set_clinic(clinic)  # printed documents are headed with it
        live = LiveEvents(api)
        bridge = EventBridge(live, parent=window)
        session = cls(api, doctor, live, bridge, window)
        session._wire()
        if show:
            window.show()
        try:
            reached = await live.connect(api.base_url)
        except ApiError as exc:  # refused even after a refresh: the app still works, without live updates
            window.banner_error(exc.message)
        else:
            if not reached:
                window.banner.show_warning("The live connection is not up yet; retrying in the background.")
        return session

    def _wire(self) -> None:
        """The one place the live events reach the view-models (the window only lays out and navigates)."""
        b, w = self.bridge, self.window
        today, consultation = w.today_vm, w.consultation_vm
        # remember_push first: today's handler may open the consultation, which then shows the push at once
        b.patient_with_doctor.connect(consultation.remember_push)
        b.patient_with_doctor.connect(today.on_patient_with_doctor)
        for signal in (
            b.queue_updated,
            b.new_checkin,
            b.visit_status_changed,
            b.consultation_completed,
            b.payment_processed,
            b.visit_called,  # a call from the desk (or Call next) shows on the card
            b.priority_changed,  # triage reorders the waiting patients
        ):
            signal.connect(today.refresh_soon)
        b.payment_processed.connect(w.earnings_vm.keep_fresh)
        # My Patients: last visit, visit counts and the selected patient's visits follow the doctor's own
        # visits and payments (debounced; the selection stays).
        for signal in (b.visit_status_changed, b.consultation_completed, b.payment_processed, b.new_checkin):
            signal.connect(w.patients_vm.keep_fresh)
        for signal in (b.visit_status_changed, b.consultation_completed, b.payment_processed):
            signal.connect(w.record_vm.keep_fresh)  # the open record's payments and timeline
        for signal in (b.appointment_created, b.appointment_updated, b.appointment_cancelled):
            signal.connect(w.schedule_vm.keep_fresh)
        b.consultation_completed.connect(consultation.on_visit_changed)
        b.visit_status_changed.connect(consultation.on_visit_changed)
        for vm in (today, w.earnings_vm, w.patients_vm, w.schedule_vm, w.record_vm):
            b.resync.connect(vm.resync)
        b.resync.connect(consultation.reload_if_open)
        b.connection_state.connect(w.set_connection_state)
        w.set_connection_state(b.state)

    def resync(self, *_: object) -> None:
        """Signed in again after the session ended: what was kept on this computer goes up, screens refetch."""
        w = self.window
        w.consultation_vm.resend_kept()
        for vm in (w.today_vm, w.earnings_vm, w.patients_vm, w.schedule_vm):
            vm.resync()
        w.consultation_vm.reload_if_open()

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.session_guard.close()
        self.window.shutdown()
        self.bridge.detach()
        await self.live.close()
        # hide(), not close(): closing the last window would make Qt quit, which the app runner decides on.
        self.window.hide()
        self.window.deleteLater()
        set_currency("")  # module-wide settings: do not leak this clinic's currency and zone to what comes next
        set_display_timezone(None)
