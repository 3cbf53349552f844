"""The reception app once logged in: builds the view-models and the main window, wires the live events to them,
and closes everything cleanly (sockets, HTTP client, tasks) so nothing is left running."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, QSettings

from client_reception.viewmodels.appointments import AppointmentsViewModel
from client_reception.viewmodels.board import BoardViewModel
from client_reception.viewmodels.cash_up import CashUpViewModel
from client_reception.viewmodels.catalog import Catalog
from client_reception.viewmodels.checkin import CheckInViewModel
from client_reception.viewmodels.patients import PatientsViewModel
from client_reception.viewmodels.payments import PaymentsViewModel
from client_reception.views.appointments import AppointmentsView
from client_reception.views.board import BoardView
from client_reception.views.checkin import CheckInView
from client_reception.views.main_window import MainWindow
from client_reception.views.patients import PatientsView
from client_reception.views.payments import PaymentsView
from common.client import ApiClient, ApiError
from common.client.live import LiveEvents
from common.enums import Role
from common.qt.bridge import EventBridge
from common.qt.formatting import set_currency, set_display_timezone
from common.qt.session_guard import SessionGuard
from common.schemas import ClinicOut, UserOut

log = logging.getLogger(__name__)


class ReceptionApp(QObject):
    """Owns one logged-in session: ApiClient (given), LiveEvents + EventBridge, the view-models, the window."""

    def __init__(
        self,
        api: ApiClient,
        user: UserOut,
        clinic: ClinicOut,
        *,
        live: LiveEvents | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.api = api
        self.user = user
        set_display_timezone(clinic.timezone)  # times on screen are the clinic's, wherever the desk is
        set_currency(clinic.currency)  # and money in the clinic's currency
        self.live = live or LiveEvents(api)
        self.bridge = EventBridge(self.live, self)
        self.catalog = Catalog(api, user, clinic, self)
        self.board = BoardViewModel(api, self, settings=settings)
        self.checkin = CheckInViewModel(api, self.catalog, self)
        self.appointments = AppointmentsViewModel(api, self.catalog, self)
        self.patients = PatientsViewModel(api, self)
        self.payments = PaymentsViewModel(api, self.catalog, self)
        self.cash_up = CashUpViewModel(api, self.catalog, self)
        self.window = MainWindow(
            board=BoardView(self.board),
            checkin=CheckInView(self.checkin),
            appointments=AppointmentsView(self.appointments),
            patients=PatientsView(self.patients),
            payments=PaymentsView(self.payments, self.cash_up),
            user_text=f"Signed in as {user.full_name} ({user.username})",
            clinic_name=clinic.name,
        )
        self._closed = False
        self._wire()
        # An ended session brings the sign-in dialog over this window; the work on screen stays.
        self.session_guard = SessionGuard(
            api,
            self.live,
            self.window,
            title="Clinic reception",
            allowed_roles={Role.RECEPTIONIST},
            on_resume=lambda: self.resync("signed in again"),
            parent=self,
        )

    @property
    def view_models(self) -> tuple:
        return (
            self.catalog,
            self.board,
            self.checkin,
            self.appointments,
            self.patients,
            self.payments,
            self.cash_up,
        )

    def _wire(self) -> None:
        b, w = self.bridge, self.window
        for vm in self.view_models:
            vm.error.connect(w.banner.show_error)
            vm.info.connect(w.banner.show_success)
        # The board changes on these; refetch (debounced: a burst of ten is one request and one model update).
        for signal in (
            b.queue_updated,
            b.new_checkin,
            b.visit_status_changed,
            b.consultation_completed,
            b.visit_called,
            b.priority_changed,
            b.payment_processed,  # completed cards say Paid / Unpaid
            b.patient_updated,  # cards name the patient
        ):
            signal.connect(self.board.refresh_soon)
        for signal in (b.patient_created, b.patient_updated):  # a colleague registered or edited a patient
            signal.connect(self.patients.refresh_if_shown)
        for signal in (
            b.new_checkin,
            b.queue_updated,
            b.appointment_created,
            b.appointment_updated,
            b.appointment_cancelled,
            b.patient_updated,
        ):
            signal.connect(self.checkin.refresh_if_shown)  # the screens refetch when opened: no traffic while hidden
        for signal in (
            b.appointment_created,
            b.appointment_updated,
            b.appointment_cancelled,
            b.new_checkin,
            b.patient_updated,
        ):
            signal.connect(self.appointments.refresh_if_shown)
        for signal in (b.payment_processed, b.consultation_completed, b.patient_updated):
            signal.connect(self.payments.refresh_if_shown)
        b.payment_processed.connect(self.cash_up.keep_fresh)  # an open cash-up follows the day's payments
        b.resync.connect(self.resync)
        b.connection_state.connect(w.set_connection_state)
        w.set_connection_state(self.live.state)
        self.catalog.changed.connect(self._catalog_changed)

    def _catalog_changed(self) -> None:
        set_currency(self.catalog.clinic.currency)
        self.board.doctors = self.catalog.doctors
        self.board.doctors_changed.emit()

    def resync(self, reason: str = "reconnect") -> None:
        """After a reconnect or a seq gap nothing said meanwhile is replayed: refetch everything shown."""
        log.info("resync (%s)", reason)
        self.catalog.refresh()
        self.board.spawn(self.board.fetch_until_ok())
        self.checkin.refresh()
        self.appointments.refresh()
        self.patients.refresh()
        self.payments.refresh()
        self.cash_up.resync()

    async def start(self, *, show: bool = True) -> None:
        """Show the window, load the board, connect the live events (the app works without them)."""
        if show:
            self.window.show()
        for vm, load in ((self.catalog, lambda: self.catalog.load(with_clinic=False)), (self.board, self.board.fetch)):
            try:
                await vm.run(load())
            except ApiError as exc:
                self.window.banner.show_error(exc.message)
        try:
            if not await self.live.connect(self.api.base_url):
                log.warning("live events not connected yet; retrying in the background")
        except ApiError as exc:  # the socket refused our credentials even after a refresh
            self.window.banner.show_error(exc.message)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.session_guard.close()
        for vm in self.view_models:
            vm.close()
        self.bridge.detach()
        await self.live.close()
        for vm in self.view_models:
            await vm.wait_idle()
        self.window.board_view.shutdown()
        self.window.close()
        # Delete the widgets now, while the view-models they are wired to still exist: a deferred delete that
        # ran after the view-models were gone could call a slot on a half-destroyed view.
        shiboken6.delete(self.window)
        set_currency("")
        set_display_timezone(None)  # a module-wide setting: do not leak this clinic's zone to what comes next
