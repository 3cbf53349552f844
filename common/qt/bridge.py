"""`EventBridge`: server events as Qt signals, so widgets and view-models connect signals and never touch sockets.

It is a LiveEvents listener: LiveEvents runs on the qasync loop, i.e. the GUI thread, so re-emitting here is a
direct call. Payload signals carry the event's JSON object (a dict); use `common.client.parse_event` for the
typed body. (Signals are declared with `object`, not `dict`: PySide would copy a dict into a QVariantMap,
which drops it when a key is not a string.)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from common import events as ev
from common.client.live import LiveEvents


class EventBridge(QObject):
    event = Signal(str, object)  # (name, payload) for every event
    queue_updated = Signal(object)
    new_checkin = Signal(object)
    visit_status_changed = Signal(object)
    appointment_created = Signal(object)
    appointment_updated = Signal(object)
    appointment_cancelled = Signal(object)
    payment_processed = Signal(object)
    patient_with_doctor = Signal(object)
    consultation_completed = Signal(object)
    resync = Signal(str)  # "gap" or "reconnect": refetch what is shown
    connection_state = Signal(str)  # "connected" | "reconnecting" | "offline"

    def __init__(self, live: LiveEvents | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live: LiveEvents | None = None
        self._by_name: dict[str, Any] = {name: getattr(self, name) for name in ev.ALL_EVENTS}
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
        self.event.emit(name, payload)
        signal = self._by_name.get(name)
        if signal is not None:
            signal.emit(payload)

    def on_resync(self, reason: str) -> None:
        self.resync.emit(reason)

    def on_state_changed(self, state: str) -> None:
        self.connection_state.emit(state)
