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
from tests.factories import PASSWORD, make_clinic, make_doctor, make_patient, make_service, make_user
from tests.support.qt import arun, screenshot, until

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_bridge_reemits_every_event_resync_and_state(qapp):
    live = LiveEvents()
    bridge = EventBridge(live)
    generic: list[tuple[str, Any]] = []
    specific: dict[str, list[Any]] = {name: [] for name in ev.ALL_EVENTS}
    resyncs: list[str] = []
    states: list[str] = []
    bridge.event.connect(lambda name, payload: generic.append((name, payload)))
    for name in ev.ALL_EVENTS:
        getattr(bridge, name).connect(specific[name].append)
    bridge.resync.connect(resyncs.append)
    bridge.connection_state.connect(states.append)

    for seq, name in enumerate(ev.ALL_EVENTS, start=1):
        live.handle_event(
            name, {"seq": seq, "room": "clinic_7", "clinic_id": 7, "visit": {"id": seq, "notes": None}, 3: "int key"}
        )
    live.handle_event(ev.QUEUE_UPDATED, {"seq": 20, "room": "clinic_7", "clinic_id": 7})  # gap
    live._set_state("connected")

    assert [name for name, _ in generic] == [*ev.ALL_EVENTS, ev.QUEUE_UPDATED]
    for seq, name in enumerate(ev.ALL_EVENTS, start=1):
        assert specific[name][0]["visit"] == {"id": seq, "notes": None}  # the payload arrives intact
        assert specific[name][0][3] == "int key"
    assert resyncs == ["gap"]
    assert states == ["connected"]
    assert bridge.state == "connected"
    bridge.detach()
    live.handle_event(ev.QUEUE_UPDATED, {"seq": 21, "room": "clinic_7", "clinic_id": 7})
    assert len(generic) == len(ev.ALL_EVENTS) + 1  # detached: nothing more


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
    checkins: list[dict[str, Any]] = []
    bridge.new_checkin.connect(checkins.append)

    async def scenario() -> int:
        await api.login(receptionist.username, PASSWORD)
        assert await live.connect(live_server.url)
        visit = await api.checkin(patient_id=patient.id, doctor_id=doctor.id, service_id=service.id)
        await until(lambda: checkins, timeout=10, message="no new_checkin signal")
        return visit.id

    try:
        visit_id = arun(qloop, scenario())
        assert checkins[0]["visit"]["id"] == visit_id
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
