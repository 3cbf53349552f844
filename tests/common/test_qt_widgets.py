"""EventBridge (fed directly, and over a real socket on the qasync loop), ErrorBanner, ConnectionIndicator."""

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from common import events as ev
from common.client import ApiClient, ApiError, LiveEvents
from common.enums import Role
from common.qt.banner import ErrorBanner, human_message
from common.qt.bridge import EventBridge
from common.qt.indicator import ConnectionIndicator
from common.schemas import QueueUpdatedEvent, VisitEvent
from tests.factories import PASSWORD, make_clinic, make_doctor, make_patient, make_service, make_user
from tests.support.qt import arun, screenshot, until

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_bridge_emits_typed_bodies_drops_malformed_ones_and_relays_resync_and_state(qapp):
    live = LiveEvents()
    bridge = EventBridge(live)
    generic: list[tuple[str, Any]] = []
    checkins: list[Any] = []
    updates: list[Any] = []
    resyncs: list[str] = []
    states: list[str] = []
    bridge.event.connect(lambda name, body: generic.append((name, body)))
    bridge.new_checkin.connect(checkins.append)
    bridge.queue_updated.connect(updates.append)
    bridge.resync.connect(resyncs.append)
    bridge.connection_state.connect(states.append)

    envelope = {"clinic_id": 7, "room": "clinic_7", "emitted_at": "2026-01-01T00:00:00+00:00"}
    live.handle_event(ev.QUEUE_UPDATED, {**envelope, "seq": 1, "visit_id": 5, "reason": "checkin"})
    live.handle_event(ev.NEW_CHECKIN, {**envelope, "seq": 1, "visit": {"id": 5}})  # malformed: dropped
    live.handle_event(ev.QUEUE_UPDATED, {**envelope, "seq": 20, "visit_id": 6, "reason": "status_changed"})  # gap
    live._set_state("connected")

    assert updates == [
        QueueUpdatedEvent(visit_id=5, reason="checkin"),
        QueueUpdatedEvent(visit_id=6, reason="status_changed"),
    ]
    assert [name for name, _ in generic] == [ev.QUEUE_UPDATED, ev.QUEUE_UPDATED]
    assert checkins == [] and bridge.dropped == 1
    assert resyncs == ["gap"]
    assert states == ["connected"]
    assert bridge.state == "connected"
    bridge.detach()
    live.handle_event(ev.QUEUE_UPDATED, {**envelope, "seq": 21, "visit_id": 7, "reason": "checkin"})
    assert len(updates) == 2  # detached: nothing more


def test_bridge_over_a_real_socket_on_the_qasync_loop(qtbot, qloop, live_server, committed_db):
    clinic = make_clinic(committed_db)
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = make_doctor(committed_db, clinic)
    patient = make_patient(committed_db, clinic)
    service = make_service(committed_db, clinic)
    committed_db.commit()
    api = ApiClient(live_server.url)
    live = LiveEvents(api)
    bridge = EventBridge(live)
    indicator = ConnectionIndicator()
    qtbot.addWidget(indicator)
    bridge.connection_state.connect(indicator.set_state)
    checkins: list[VisitEvent] = []
    bridge.new_checkin.connect(checkins.append)

    async def scenario() -> int:
        await api.login(receptionist.username, PASSWORD)
        assert await live.connect(live_server.url)
        visit = await api.checkin(patient_id=patient.id, doctor_id=doctor.id, service_id=service.id)
        await until(lambda: checkins, timeout=10, message="no new_checkin signal")
        return visit.id

    try:
        visit_id = arun(qloop, scenario())
        assert isinstance(checkins[0], VisitEvent) and checkins[0].visit.id == visit_id
        assert indicator.state == "connected" and indicator.text == "Connected"
    finally:
        arun(qloop, live.close())
        arun(qloop, api.aclose())
    assert indicator.text == "Offline"


def test_error_banner_shows_dismisses_and_never_a_traceback(qtbot):
    host = QWidget()
    host.setObjectName("bannerHost")
    host.resize(520, 120)
    banner = ErrorBanner(host)
    layout = QVBoxLayout(host)
    layout.addWidget(banner)
    layout.addStretch(1)
    qtbot.addWidget(host)
    host.show()
    dismissed: list[bool] = []
    banner.dismissed.connect(lambda: dismissed.append(True))
    assert not banner.isVisible()

    banner.show_exception(ApiError(409, "This time is already booked for Dr Adams (appointment 12)"))
    assert banner.isVisible() and banner.text.startswith("This time is already booked")
    screenshot(host, "common_error_banner")
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and dismissed == [True]

    try:
        raise KeyError("visit")
    except KeyError as exc:
        message = human_message(exc)
    assert message == "Something went wrong: 'visit'" and "Traceback" not in message

    banner.auto_hide_ms = 50
    banner.show_success("Payment recorded")
    assert banner.kind == "success"
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=2000)


def test_connection_indicator_states(qtbot):
    indicator = ConnectionIndicator()
    qtbot.addWidget(indicator)
    for state, text in (("connected", "Connected"), ("reconnecting", "Reconnecting…"), ("offline", "Offline")):
        indicator.set_state(state)
        assert indicator.text == text and indicator.state == state
    indicator.set_state("weird")
    assert indicator.state == "offline"
