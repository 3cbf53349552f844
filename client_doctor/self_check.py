"""The doctor app's screens for `--self-check` (common/qt/self_check.py): built as after a login, with no data,
and no server contacted."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from common.qt.self_check import run_self_check

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

UNREACHABLE = "http://127.0.0.1:9"  # never contacted: nothing is started


def main_screens() -> list[tuple[str, QWidget]]:
    from PySide6.QtCore import QSettings

    from client_doctor.drafts import DraftStore
    from client_doctor.settings import DoctorSettings
    from client_doctor.viewmodels.consultation import ConsultationViewModel
    from client_doctor.viewmodels.earnings import EarningsViewModel
    from client_doctor.viewmodels.follow_up import FollowUpViewModel
    from client_doctor.viewmodels.patients import PatientsViewModel
    from client_doctor.viewmodels.record import VisitRecordViewModel
    from client_doctor.viewmodels.schedule import ScheduleViewModel
    from client_doctor.viewmodels.today import TodayViewModel
    from client_doctor.views.main_window import DoctorMainWindow
    from common.client.api import ApiClient
    from common.enums import Role
    from common.qt.login_dialog import LoginDialog
    from common.schemas import DoctorOut

    scratch = Path(tempfile.mkdtemp(prefix="clinic-doctor-self-check-"))
    api = ApiClient(UNREACHABLE)
    doctor = DoctorOut(
        id=1,
        user_id=1,
        clinic_id=1,
        full_name="Dr Self Check",
        specialty="General practice",
        phone="",
        commission_rate=Decimal("0.5"),
        is_active=True,
    )
    settings = DoctorSettings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    window = DoctorMainWindow(
        doctor=doctor,
        today=TodayViewModel(api, doctor, settings),
        consultation=ConsultationViewModel(api, doctor, DraftStore(scratch / "drafts")),
        earnings=EarningsViewModel(api),
        patients=PatientsViewModel(api, doctor),
        schedule=ScheduleViewModel(api),
        record=VisitRecordViewModel(api),
        follow_up=FollowUpViewModel(api, doctor),
    )
    login = LoginDialog(title="Consulting room", subtitle="Doctors sign in here", allowed_roles={Role.DOCTOR})
    return [("sign-in", login), ("main window", window)]


def run() -> int:
    return run_self_check("Clinic doctor", main_screens)
