"""One window per app per user: a second launch of the reception (or doctor) app asks the first to come to the
front and exits, instead of opening a second login on top of the first (QLocalServer / QLocalSocket).

The server's name carries the user's name, so two people signed in to one PC each have their own app; Qt
keeps the socket where only that user can reach it (UserAccessOption)."""

from __future__ import annotations

import getpass
import logging
import os
import re

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
_MESSAGE = b"raise\n"


def instance_name(app: str) -> str:
    """The local server's name for `app` and the current user ($CLINIC_INSTANCE_NAME overrides it, for tests)."""
    override = os.environ.get("CLINIC_INSTANCE_NAME")
    if override:
        return override
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"clinic-crm-{app}-{user}")


class SingleInstance(QObject):
    activated = Signal()  # another launch asked this instance to show itself

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True if this is the first instance (it now listens); False if another one runs and was told to come
        to the front. A stale socket left by a crashed instance is cleaned up."""
        if self._notify_running():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            if server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
                if self._notify_running():  # another launch won the race
                    return False
                QLocalServer.removeServer(self.name)  # nobody answers: the socket file of a crashed instance
                server.listen(self.name)
            if not server.isListening():  # never block the user over this: run without the guard
                log.warning("single-instance guard unavailable: %s", server.errorString())
                return True
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def _notify_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(_MESSAGE)
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def _on_connection(self) -> None:
        assert self.server is not None
        asked = False
        while (connection := self.server.nextPendingConnection()) is not None:
            # A launch writes one line and hangs up; a probe (is_running) hangs up without a word. Both are
            # local and immediate, so read here instead of keeping per-connection callbacks alive.
            if connection.bytesAvailable() or connection.waitForReadyRead(CONNECT_TIMEOUT_MS):
                asked = asked or _MESSAGE.strip() in bytes(connection.readAll().data())
            connection.abort()
            connection.deleteLater()
        if asked:
            self.activated.emit()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


def is_running(app: str) -> bool:
    """Whether `app` is open for this user (without bringing it to the front)."""
    socket = QLocalSocket()
    socket.connectToServer(instance_name(app))
    running = socket.waitForConnected(CONNECT_TIMEOUT_MS)
    socket.abort()
    return running


def bring_to_front(app: QApplication) -> None:
    """Show the app's visible windows (restored if minimised) in front, the active modal dialog on top."""
    windows: list[QWidget] = [w for w in app.topLevelWidgets() if w.isVisible()]
    modal = app.activeModalWidget()
    if modal is not None and modal in windows:  # the login dialog, a confirmation: last, so it ends on top
        windows.remove(modal)
        windows.append(modal)
    for window in windows:
        if window.isMinimized():
            window.showNormal()
        if QGuiApplication.platformName() != "offscreen":  # offscreen (tests, CI) warns that it cannot raise
            window.raise_()
            window.activateWindow()


def ensure_single_instance(app: str) -> SingleInstance | None:
    """Call from an app's entry point once the QApplication exists. None: another instance of `app` runs for
    this user and was brought to the front, so this one should exit. Otherwise keep the returned guard."""
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication), "create the QApplication first"
    guard = SingleInstance(instance_name(app), parent=qapp)
    if not guard.claim():
        guard.deleteLater()
        return None
    guard.activated.connect(lambda: bring_to_front(qapp))
    return guard


if __name__ == "__main__":  # scripts/demo: `python -m common.qt.single_instance reception` → exit 0 if it is open
    import sys

    sys.exit(0 if is_running(sys.argv[1]) else 1)
