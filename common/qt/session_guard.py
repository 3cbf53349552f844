"""`SessionGuard`: when the server ends the session (the refresh token is refused: expired, revoked, password
reset), the sign-in dialog comes up over the app's window for the same user, and the window stays as it was —
the board, a half-typed consultation, an open form. After signing in, the same ApiClient carries the new tokens
(every view-model keeps working), the live connection is made again and the screens refetch.

Signing in as somebody else is refused here: the window holds the first user's work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from common.client.api import ApiClient
from common.client.errors import ApiError
from common.client.live import LiveEvents
from common.enums import Role
from common.qt.async_tools import TaskKeeper
from common.qt.login_dialog import LoginDialog, login_flow

log = logging.getLogger(__name__)

EXPIRED = "Your session has ended. Sign in again to continue; everything on screen stays as it is."


class SessionGuard(QObject):
    expired = Signal()  # the dialog is up
    resumed = Signal()  # signed in again as the same user
    abandoned = Signal()  # the user closed the dialog instead

    def __init__(
        self,
        api: ApiClient,
        live: LiveEvents,
        window: QWidget,
        *,
        title: str,
        allowed_roles: Collection[Role],
        on_resume: Callable[[], None],
        settings: QSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.api, self.live, self.window = api, live, window
        self.title, self.allowed_roles, self.settings = title, set(allowed_roles), settings
        self._on_resume = on_resume
        self.user_id = api.user.id if api.user else None
        self.username = api.user.username if api.user else ""
        self.dialog: LoginDialog | None = None
        self._tasks = TaskKeeper(on_error=lambda exc: log.error("re-sign-in failed", exc_info=exc))
        api.on_session_expired(self._expired)

    @property
    def asking(self) -> bool:
        return self.dialog is not None

    def _expired(self) -> None:
        if self.dialog is not None:
            return  # already asking: several refused calls, one dialog
        dialog = LoginDialog(
            title=self.title,
            subtitle="Session ended — sign in again",
            settings=self.settings,
            api=self.api,
            allowed_roles=self.allowed_roles,
            parent=self.window,
        )
        dialog.server_edit.setText(self.api.base_url)
        dialog.server_edit.setReadOnly(True)  # the work on screen belongs to this server
        dialog.username_edit.setText(self.username)
        dialog.password_edit.setFocus()
        dialog.show_message(EXPIRED)
        self.dialog = dialog
        self.expired.emit()
        self._tasks.spawn(self._ask(dialog), name="re-sign-in")

    async def _ask(self, dialog: LoginDialog) -> None:
        try:
            while True:
                api = await login_flow(dialog=dialog)
                if api is None:
                    self.abandoned.emit()
                    return
                user = self.api.user
                if self.user_id is None or (user is not None and user.id == self.user_id):
                    break
                await self.api.logout()
                dialog.show_message(f"Sign in as {self.username}: this window holds their work.")
        finally:
            self.dialog = None
            dialog.deleteLater()
        await self._reconnect()
        self._on_resume()
        self.resumed.emit()

    async def _reconnect(self) -> None:
        try:
            await self.live.connect(self.api.base_url)
        except ApiError as exc:  # the app still works without live updates; its banner says so elsewhere
            log.warning("live connection after re-sign-in refused: %s", exc.message)
        except asyncio.CancelledError:
            raise

    def close(self) -> None:
        self._tasks.cancel_all()
        if self.dialog is not None:
            self.dialog.reject()
