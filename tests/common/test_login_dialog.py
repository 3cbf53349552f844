"""The shared login dialog driven with qtbot on the qasync loop, against the real server process."""

import asyncio

import pytest
from PySide6.QtCore import QSettings, Qt

from common.client import ApiClient
from common.enums import Role
from common.qt.login_dialog import SERVER_URL_KEY, USERNAME_KEY, LoginDialog, login_flow
from tests.factories import PASSWORD, make_clinic, make_doctor, make_user
from tests.support.qt import arun, screenshot, until
from tests.support.server_process import free_port

# The offscreen platform warns whenever a shown window's size hints change (the message label appearing).
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "login.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def people(committed_db):
    clinic = make_clinic(committed_db)
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic, full_name="Rita Reception")
    doctor = make_doctor(committed_db, clinic)
    committed_db.commit()
    return {"receptionist": receptionist, "doctor_user": doctor.user}


def fill(qtbot, dialog: LoginDialog, url: str, username: str, password: str) -> None:
    for edit, text in ((dialog.server_edit, url), (dialog.username_edit, username), (dialog.password_edit, password)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_wrong_password_then_success(qtbot, qloop, live_server, people, settings):
    receptionist = people["receptionist"]
    dialog = LoginDialog(title="Reception", settings=settings)
    qtbot.addWidget(dialog)

    async def scenario() -> ApiClient | None:
        flow = asyncio.ensure_future(login_flow(dialog=dialog))
        await until(dialog.isVisible)
        fill(qtbot, dialog, live_server.url, receptionist.username, "wrong-password")
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        await until(lambda: dialog.message != "", timeout=10)
        assert dialog.message == "Incorrect username or password."
        assert not dialog.busy and dialog.login_button.isEnabled() and dialog.isVisible()
        screenshot(dialog, "common_login_wrong_password")
        dialog.password_edit.clear()
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # Enter logs in too
        return await asyncio.wait_for(flow, 10)

    api = arun(qloop, scenario())
    try:
        assert api is not None and api.user is not None
        assert api.user.username == receptionist.username and api.base_url == live_server.url
        assert not dialog.isVisible()
        assert settings.value(SERVER_URL_KEY) == live_server.url
        assert settings.value(USERNAME_KEY) == receptionist.username
        assert "secret" not in " ".join(str(settings.value(k)) for k in settings.allKeys())
        me = arun(qloop, api.me())
        assert me.id == receptionist.id
    finally:
        if api is not None:
            arun(qloop, api.aclose())


def test_remembered_server_and_username_are_filled_in(qtbot, qapp, settings):
    settings.setValue(SERVER_URL_KEY, "http://clinic.example:8000")
    settings.setValue(USERNAME_KEY, "rita")
    dialog = LoginDialog(settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.server_edit.text() == "http://clinic.example:8000"
    assert dialog.username_edit.text() == "rita"
    assert dialog.password_edit.text() == ""
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    for widget in dialog.findChildren(object):
        if hasattr(widget, "isWidgetType") and widget.isWidgetType():
            assert widget.objectName(), f"{type(widget).__name__} has no objectName"


def test_unreachable_server_and_empty_fields(qtbot, qloop, settings):
    url = f"http://127.0.0.1:{free_port()}"
    dialog = LoginDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()

    async def scenario() -> None:
        dialog.username_edit.clear()
        dialog.password_edit.clear()
        assert await dialog.attempt_login() is False
        assert dialog.message == "Enter the username and password."
        fill(qtbot, dialog, url, "rita", "whatever")
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        await until(lambda: "Cannot reach" in dialog.message, timeout=10)
        assert dialog.message == f"Cannot reach the server at {url}. Check the address and that the server is running."
        screenshot(dialog, "common_login_unreachable")

    try:
        arun(qloop, scenario())
        assert dialog.isVisible() and not dialog.busy
        assert settings.value(SERVER_URL_KEY) is None  # nothing remembered from a failed attempt
    finally:
        if dialog.api is not None:
            arun(qloop, dialog.api.aclose())


def test_too_many_failures_are_reported_as_throttled(qtbot, qloop, live_server, committed_db, settings):
    user = make_user(committed_db, role=Role.RECEPTIONIST, clinic=make_clinic(committed_db))
    committed_db.commit()
    dialog = LoginDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()

    async def scenario() -> None:
        for _ in range(5):  # the server's limit (login_max_failures)
            fill(qtbot, dialog, live_server.url, user.username, "bad-password")
            assert await dialog.attempt_login() is False
        fill(qtbot, dialog, live_server.url, user.username, PASSWORD)
        assert await dialog.attempt_login() is False

    try:
        arun(qloop, scenario())
        assert dialog.message.startswith("Too many failed attempts for this user. Try again in about ")
    finally:
        arun(qloop, dialog.api.aclose())


def test_an_account_of_the_wrong_role_is_turned_away(qtbot, qloop, live_server, people, settings):
    dialog = LoginDialog(title="Doctor", settings=settings, allowed_roles={Role.DOCTOR})
    qtbot.addWidget(dialog)
    dialog.show()

    async def scenario() -> None:
        fill(qtbot, dialog, live_server.url, people["receptionist"].username, PASSWORD)
        assert await dialog.attempt_login() is False
        assert "This app is for doctor accounts" in dialog.message and "receptionist" in dialog.message
        assert not dialog.api.is_logged_in
        fill(qtbot, dialog, live_server.url, people["doctor_user"].username, PASSWORD)
        assert await dialog.attempt_login() is True

    try:
        arun(qloop, scenario())
        assert dialog.api.user.role == Role.DOCTOR and dialog.api.user.doctor_id is not None
    finally:
        arun(qloop, dialog.api.aclose())


def test_cancel_returns_none_and_closes_the_client_it_made(qtbot, qloop, settings):
    dialog = LoginDialog(settings=settings)
    qtbot.addWidget(dialog)

    async def scenario() -> ApiClient | None:
        flow = asyncio.ensure_future(login_flow(dialog=dialog))
        await until(dialog.isVisible)
        dialog.server_edit.setText("http://127.0.0.1:1")
        dialog._client_for("http://127.0.0.1:1")  # as if an attempt had created it
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        return await asyncio.wait_for(flow, 5)

    assert arun(qloop, scenario()) is None
    assert dialog.api is not None and dialog.api._http.is_closed
