"""The login dialog both apps open first, and `login_flow()`, the coroutine that shows it and returns the logged-in
ApiClient (or None if cancelled).

No `QDialog.exec()` inside a coroutine (it would run a nested event loop under qasync): the dialog is shown
window-modal and a future is resolved by its signals. The server address and the last username are remembered
in QSettings (per organisation/application, as set by `run_app`); the password never is.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.client.api import ApiClient, normalize_url
from common.client.errors import ApiError
from common.enums import Role
from common.qt.async_tools import TaskKeeper
from common.qt.formatting import humanize_enum
from common.qt.login_messages import DEFAULT_SERVER_URL, login_error_message
from common.qt.placement import place_by_side

SERVER_URL_KEY = "server/url"
USERNAME_KEY = "login/username"

ApiFactory = Callable[[str], ApiClient]

_STYLE = """
QDialog#loginDialog { background: #f7f9fc; }
QLabel#loginTitle { font-size: 20px; font-weight: 600; color: #1a2b4c; }
QLabel#loginSubtitle { color: #5f6b7a; }
QLabel#loginMessage { color: #b3261e; background: #fdecea; border: 1px solid #f5c2bd; border-radius: 4px;
                      padding: 6px 8px; }
QLineEdit { padding: 5px 6px; border: 1px solid #c3cbd6; border-radius: 4px; background: white; }
QLineEdit:focus { border-color: #1a73e8; }
QPushButton#loginButton { background: #1a73e8; color: white; border: none; border-radius: 4px;
                          padding: 6px 18px; font-weight: 600; }
QPushButton#loginButton:disabled { background: #9bbcf0; }
QPushButton#cancelButton { padding: 6px 14px; }
"""


def default_server_url(settings: QSettings | None = None) -> str:
    """Remembered address, else $CLINIC_SERVER_URL, else the local default."""
    remembered = (settings or QSettings()).value(SERVER_URL_KEY, "", type=str)
    return str(remembered or os.environ.get("CLINIC_SERVER_URL") or DEFAULT_SERVER_URL)


class LoginDialog(QDialog):
    logged_in = Signal(object)  # the ApiClient, logged in

    def __init__(
        self,
        *,
        title: str = "Clinic",
        subtitle: str = "Sign in to continue",
        settings: QSettings | None = None,
        api: ApiClient | None = None,
        allowed_roles: Collection[Role] | None = None,
        api_factory: ApiFactory = ApiClient,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(f"{title} — sign in")
        self.setStyleSheet(_STYLE)
        self.setMinimumWidth(420)
        # Closing the login window must not quit the app by itself: login_flow returns None and the app decides.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.settings = settings or QSettings()
        self.api = api
        self.owns_api = False  # True when this dialog created the client (and must close it if cancelled)
        self.allowed_roles = set(allowed_roles) if allowed_roles else None
        self._api_factory = api_factory
        self._tasks = TaskKeeper(on_error=self._unexpected)
        self._build(title, subtitle)
        self._restore()

    # --- layout ------------------------------------------------------------------------------------------------

    def _build(self, title: str, subtitle: str) -> None:
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("loginTitle")
        self.subtitle_label = QLabel(subtitle, self)
        self.subtitle_label.setObjectName("loginSubtitle")

        self.server_edit = QLineEdit(self)
        self.server_edit.setObjectName("serverUrlEdit")
        self.server_edit.setPlaceholderText(DEFAULT_SERVER_URL)
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setPlaceholderText("username")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")

        form = QFormLayout()
        form.setObjectName("loginForm")
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        for text, edit, name in (
            ("Server", self.server_edit, "serverLabel"),
            ("Username", self.username_edit, "usernameLabel"),
            ("Password", self.password_edit, "passwordLabel"),
        ):
            label = QLabel(text, self)
            label.setObjectName(name)
            label.setBuddy(edit)
            form.addRow(label, edit)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("loginMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        self.progress = QProgressBar(self)
        self.progress.setObjectName("loginProgress")
        self.progress.setRange(0, 0)  # busy indicator
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(4)
        self.progress.hide()

        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.login_button = QPushButton("Log in", self)
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.submit)
        self.password_edit.returnPressed.connect(self.submit)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.login_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.progress)
        layout.addSpacing(4)
        layout.addLayout(buttons)

    def _restore(self) -> None:
        self.server_edit.setText(default_server_url(self.settings))
        username = str(self.settings.value(USERNAME_KEY, "", type=str) or "")
        self.username_edit.setText(username)
        (self.password_edit if username else self.username_edit).setFocus()

    # --- state -------------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.progress.isVisible()

    @property
    def message(self) -> str:
        return self.message_label.text() if self.message_label.isVisible() else ""

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        self.adjustSize()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.server_edit, self.username_edit, self.password_edit, self.login_button):
            widget.setEnabled(not busy)
        self.login_button.setText("Logging in…" if busy else "Log in")
        self.progress.setVisible(busy)

    def _unexpected(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.show_message(f"Something went wrong while logging in: {exc}")

    # --- logging in --------------------------------------------------------------------------------------------

    def submit(self) -> None:
        """Start a login attempt (the button, Enter in the password field)."""
        if self.busy:
            return
        self._tasks.spawn(self.attempt_login(), name="login")

    async def attempt_login(self) -> bool:
        url = normalize_url(self.server_edit.text())
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        fields = (("server address", url), ("username", username), ("password", password))
        missing = [name for name, value in fields if not value]
        if missing:
            self.show_message(f"Enter the {' and '.join(missing)}.")
            return False
        self.show_message("")
        self._set_busy(True)
        try:
            api = self._client_for(url)
            pair = await api.login(username, password)
        except ApiError as exc:
            self._set_busy(False)
            self.show_message(login_error_message(exc, url))
            if exc.status in (401, 429):
                self.password_edit.selectAll()
                self.password_edit.setFocus()
            return False
        if self.allowed_roles is not None and pair.user.role not in self.allowed_roles:
            await api.logout()
            self._set_busy(False)
            allowed = " or ".join(humanize_enum(r).lower() for r in sorted(self.allowed_roles))
            self.show_message(
                f"This app is for {allowed} accounts; “{username}” is a {humanize_enum(pair.user.role).lower()}."
            )
            return False
        self._set_busy(False)
        self.settings.setValue(SERVER_URL_KEY, url)
        self.settings.setValue(USERNAME_KEY, username)
        self.settings.sync()
        self.password_edit.clear()
        self.logged_in.emit(api)
        self.accept()
        return True

    def _client_for(self, url: str) -> ApiClient:
        if self.api is None:
            self.api = self._api_factory(url)
            self.owns_api = True
        elif self.api.base_url != url:
            self.api.base_url = url
        return self.api

    def reject(self) -> None:
        self._tasks.cancel_all()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tasks.cancel_all()
        super().closeEvent(event)


async def login_flow(
    *,
    title: str = "Clinic",
    subtitle: str = "Sign in to continue",
    settings: QSettings | None = None,
    api: ApiClient | None = None,
    allowed_roles: Collection[Role] | None = None,
    dialog: LoginDialog | None = None,
    parent: QWidget | None = None,
) -> ApiClient | None:
    """Show the login dialog and wait (without blocking the loop) until the user logs in (→ the ApiClient, with
    `api.user` set) or cancels (→ None; a client the dialog created is then closed)."""
    own_dialog = dialog is None
    dialog = dialog or LoginDialog(
        title=title, subtitle=subtitle, settings=settings, api=api, allowed_roles=allowed_roles, parent=parent
    )
    done: asyncio.Future[ApiClient | None] = asyncio.get_running_loop().create_future()

    def finish(result: ApiClient | None) -> None:
        if not done.done():
            done.set_result(result)

    dialog.logged_in.connect(finish)
    dialog.rejected.connect(lambda: finish(None))
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    place_by_side(dialog)  # scripts/demo: the two apps' sign-in windows side by side, not stacked
    dialog.show()
    if QGuiApplication.platformName() != "offscreen":  # offscreen (tests, CI) warns that it cannot raise
        dialog.raise_()
        dialog.activateWindow()
    try:
        result = await done
    finally:
        dialog.hide()
        if own_dialog:
            dialog.deleteLater()
    if result is None and dialog.owns_api and dialog.api is not None:
        await dialog.api.aclose()
    return result
