"""`clinic-reception`: log in (shared login dialog), then the reception main window."""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtWidgets import QApplication

from client_reception.app import ReceptionApp
from common.client import ApiError
from common.enums import Role
from common.qt.app_runner import current_runtime, run_app
from common.qt.login_dialog import LoginDialog, login_flow
from common.qt.single_instance import ensure_single_instance
from common.version import set_client_app

log = logging.getLogger(__name__)
TITLE = "Clinic reception"


def make_login_dialog(**kw: Any) -> LoginDialog:
    return LoginDialog(title=TITLE, subtitle="Front desk — sign in", allowed_roles={Role.RECEPTIONIST}, **kw)


async def open_session(*, dialog: LoginDialog | None = None, show: bool = True) -> ReceptionApp | None:
    """Log in, load the clinic, build and start the app. None if the user cancelled the login."""
    message = ""
    while True:
        dialog = dialog or make_login_dialog()
        if message:
            dialog.show_message(message)
        api = await login_flow(dialog=dialog)
        if api is None:
            return None
        assert api.user is not None and api.user.clinic_id is not None
        try:
            clinic = await api.get_clinic(api.user.clinic_id)
        except ApiError as exc:  # e.g. the server went away right after the login: ask again
            message = f"Logged in, but the clinic could not be loaded: {exc.message}"
            await api.aclose()
            dialog = None
            continue
        app = ReceptionApp(api, api.user, clinic, settings=dialog.settings)
        await app.start(show=show)
        return app


async def _main() -> bool:
    runtime = current_runtime()
    app = await open_session()
    if app is None:
        return False
    runtime.on_shutdown(app.api.aclose)
    runtime.on_shutdown(app.aclose)  # hooks run last-registered first: the app, then its HTTP client
    app.window.closing.connect(lambda: runtime.request_quit())
    return True


def main() -> int:
    if "--self-check" in sys.argv[1:]:  # the bundle's (and any install's) check: see common/qt/self_check.py
        from client_reception.self_check import run

        return run()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    set_client_app("reception")
    qapp = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 (kept alive until run_app returns)
    guard = ensure_single_instance("reception")
    if guard is None:  # already open for this user: that window came to the front
        print("Clinic reception is already open; its window was brought to the front.")
        return 0
    return run_app(_main, "reception")


if __name__ == "__main__":
    sys.exit(main())
