"""`clinic-doctor`: the consulting-room app.

Environment (optional): CLINIC_SERVER_URL (the login dialog's default address); CLINIC_DOCTOR_AUTOLOGIN
="username:password" logs in without the dialog (the startup benchmark, kiosk set-ups); CLINIC_DOCTOR_READY_MARKER=1
prints "CLINIC_DOCTOR_READY" on stdout once the logged-in Today's Work window is shown and filled.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtWidgets import QApplication

from client_doctor.settings import APPLICATION
from common.client.api import ApiClient
from common.client.errors import ApiError
from common.enums import Role
from common.qt.app_runner import current_runtime, run_app
from common.qt.login_dialog import default_server_url, login_flow
from common.qt.single_instance import ensure_single_instance
from common.version import set_client_app

log = logging.getLogger(__name__)
READY_MARKER = "CLINIC_DOCTOR_READY"


async def _auto_login(credentials: str) -> ApiClient | None:
    username, _, password = credentials.partition(":")
    api = ApiClient(default_server_url())
    try:
        await api.login(username, password)
    except ApiError as exc:
        print(f"auto-login failed: {exc.message}", file=sys.stderr)
        await api.aclose()
        return None
    return api


async def _main() -> bool:
    from client_doctor.app import DoctorSession  # after QApplication exists (fonts, styles)

    runtime = current_runtime()
    auto = os.environ.get("CLINIC_DOCTOR_AUTOLOGIN")
    if auto:
        api = await _auto_login(auto)
    else:
        api = await login_flow(title="Consulting room", subtitle="Doctors sign in here", allowed_roles={Role.DOCTOR})
    if api is None:
        return False
    runtime.on_shutdown(api.aclose)
    try:
        session = await DoctorSession.start(api)
    except ApiError as exc:
        print(f"cannot open the doctor app: {exc.message}", file=sys.stderr)
        return False
    runtime.on_shutdown(session.aclose)
    if os.environ.get("CLINIC_DOCTOR_READY_MARKER"):
        _print_marker_when_ready(session)
    return True


def _print_marker_when_ready(session) -> None:  # noqa: ANN001 (DoctorSession, imported lazily)
    today = session.window.today_vm

    def ready(*_: object) -> None:
        today.dashboard_changed.disconnect(ready)
        print(READY_MARKER, flush=True)

    if today.dashboard is not None and session.window.isVisible():
        print(READY_MARKER, flush=True)
    else:
        today.dashboard_changed.connect(ready)


def main() -> int:
    if "--self-check" in sys.argv[1:]:  # the bundle's (and any install's) check: see common/qt/self_check.py
        from client_doctor.self_check import run

        return run()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    set_client_app("doctor")
    qapp = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 (kept alive until run_app returns)
    guard = ensure_single_instance("doctor")
    if guard is None:  # already open for this user: that window came to the front
        print("Clinic doctor is already open; its window was brought to the front.")
        return 0
    return run_app(_main, APPLICATION)


if __name__ == "__main__":
    sys.exit(main())
