"""`EventBridge`: server events as typed Qt signals, so view-models connect signals and never touch sockets.

It is a LiveEvents listener on top of LiveEvents' seq tracking and resync (per room): LiveEvents runs on the
qasync loop, i.e. the GUI thread, so re-emitting here is a direct call. Each payload is parsed once, here, by
`common.events.parse_event`: every signal carries the event's wire model (`new_checkin` a VisitEvent,
`patient_with_doctor` a PatientWithDoctorEvent …), and a malformed payload is logged and dropped in this one
place. (Signals are declared with `object`: PySide would otherwise try to convert the model.)
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from common import events as ev
from common.client.live import LiveEvents

log = logging.getLogger(__name__)


class EventBridge(QObject):
    event = Signal(str, object)  # type: ignore[assignment]  # (name, typed body) for every event; shadows QObject.event
    queue_updated = Signal(object)  # QueueUpdatedEvent
    new_checkin = Signal(object)  # VisitEvent
    visit_status_changed = Signal(object)  # VisitStatusChangedEvent
    appointment_created = Signal(object)  # AppointmentEvent
    appointment_updated = Signal(object)  # AppointmentEvent
    appointment_cancelled = Signal(object)  # AppointmentEvent
    payment_processed = Signal(object)  # PaymentEvent
    patient_with_doctor = Signal(object)  # PatientWithDoctorEvent
    consultation_completed = Signal(object)  # VisitEvent
    visit_called = Signal(object)  # VisitCalledEvent
    priority_changed = Signal(object)  # PriorityChangedEvent
    patient_created = Signal(object)  # PatientEvent (the desk room only)
    patient_updated = Signal(object)  # PatientEvent (the desk room only)
    resync = Signal(str)  # "gap" or "reconnect": refetch what is shown
    connection_state = Signal(str)  # "connected" | "reconnecting" | "offline"

    def __init__(self, live: LiveEvents | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live: LiveEvents | None = None
        # Every event of the contract has a signal of its own (declared above); a missing one fails here, at once.
        self._by_name: dict[str, Any] = {name: getattr(self, name) for name in ev.ALL_EVENTS}
        self.dropped = 0  # malformed or unknown payloads (diagnostics, tests)
        if live is not None:
            self.attach(live)

    @property
    def state(self) -> str:
        return self._live.state if self._live is not None else "offline"

    def attach(self, live: LiveEvents) -> None:
        self.detach()
        self._live = live
        live.add_listener(self)
        self.connection_state.emit(live.state)

    def detach(self) -> None:
        if self._live is not None:
            self._live.remove_listener(self)
            self._live = None

    # --- LiveListener ------------------------------------------------------------------------------------------

    def on_event(self, name: str, payload: dict[str, Any]) -> None:
        body = ev.parse_event(name, payload)
        if body is None:
            self.dropped += 1
            return
        self.event.emit(name, body)
        signal = self._by_name.get(name)  # an event with a schema but no signal of its own: `event` only
        if signal is not None:
            signal.emit(body)

    def on_resync(self, reason: str) -> None:
        self.resync.emit(reason)

    def on_state_changed(self, state: str) -> None:
        self.connection_state.emit(state)
