"""The reception app's screens for `--self-check` (common/qt/self_check.py): built as after a login, with no
data, and no server contacted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.qt.self_check import run_self_check

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

UNREACHABLE = "http://127.0.0.1:9"  # never contacted: nothing is started


def main_screens() -> list[tuple[str, QWidget]]:
    from client_reception.__main__ import make_login_dialog
    from client_reception.app import ReceptionApp
    from common.client import ApiClient
    from common.enums import Role
    from common.schemas import ClinicOut, UserOut

    user = UserOut(id=1, username="reception", full_name="Self Check", role=Role.RECEPTIONIST, clinic_id=1)
    clinic = ClinicOut(
        id=1, name="Self-check clinic", timezone="UTC", address="", phone="", overdue_wait_minutes=30, event_seq=0
    )
    app = ReceptionApp(ApiClient(UNREACHABLE), user, clinic)
    return [("sign-in", make_login_dialog()), ("main window", app.window)]


def run() -> int:
    return run_self_check("Clinic reception", main_screens)
