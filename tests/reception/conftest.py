"""Reception app tests: a clinic made with committed data, and the app logged in through the real login dialog
against a real server process (the shared `live_server`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy.orm import Session

from client_reception.__main__ import make_login_dialog, open_session
from client_reception.app import ReceptionApp
from common.enums import AppointmentStatus, Role
from server.models import Appointment, Clinic, Doctor, Patient, Service, User
from tests.factories import PASSWORD, make_clinic, make_doctor, make_patient, make_service, make_user
from tests.support.qt import arun, sign_in, until


@dataclass
class Desk:
    clinic: Clinic
    receptionist: User
    doctors: list[Doctor]
    services: list[Service]
    patients: list[Patient]
    appointments: list[Appointment] = field(default_factory=list)


def make_appointment(session: Session, desk: Desk, *, patient: Patient, doctor: Doctor, start: datetime) -> Appointment:
    service = desk.services[0]
    appt = Appointment(
        clinic_id=desk.clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=start + timedelta(minutes=service.duration_minutes),
        status=AppointmentStatus.CONFIRMED,
        created_by=desk.receptionist.id,
    )
    session.add(appt)
    session.flush()
    return appt


@pytest.fixture
def desk(committed_db: Session) -> Desk:
    """A clinic (UTC, so "today" is the UTC day) with a receptionist, two doctors, two services, four patients
    and two of today's appointments."""
    clinic = make_clinic(committed_db, name="Riverside Family Clinic", address="12 River Rd", phone="+1 555 0100")
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic, full_name="Rita Reception")
    doctors = [
        make_doctor(committed_db, clinic, full_name="Dr Ada Lovelace", specialty="General practice"),
        make_doctor(committed_db, clinic, full_name="Dr Ben Carson", specialty="Paediatrics"),
    ]
    services = [
        make_service(committed_db, clinic, name="Consultation", price="120.00", duration_minutes=30),
        make_service(committed_db, clinic, name="Vaccination", price="45.50", duration_minutes=15),
    ]
    names = ["Maria Gomez", "John Smith", "Aisha Khan", "Tom Baker"]
    patients = [make_patient(committed_db, clinic, full_name=name) for name in names]
    result = Desk(clinic, receptionist, doctors, services, patients)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    result.appointments = [
        make_appointment(
            committed_db, result, patient=patients[2], doctor=doctors[0], start=now + timedelta(minutes=5)
        ),
        make_appointment(
            committed_db, result, patient=patients[3], doctor=doctors[1], start=now + timedelta(minutes=9)
        ),
    ]
    committed_db.commit()
    return result


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "reception.ini"), QSettings.Format.IniFormat)


async def login_through_dialog(qtbot, url: str, username: str, settings: QSettings) -> ReceptionApp:
    """Type into the real login dialog and click Log in; returns the started app."""
    dialog = make_login_dialog(settings=settings)
    session = asyncio.ensure_future(open_session(dialog=dialog))
    await sign_in(qtbot, dialog, url, username, PASSWORD)
    app = await asyncio.wait_for(session, 15)
    assert app is not None
    return app


def close_app(loop: asyncio.AbstractEventLoop, app: ReceptionApp) -> None:
    """Sockets closed, tasks cancelled, windows gone: pytest must never hang on a leftover."""
    arun(loop, app.aclose())
    arun(loop, app.api.aclose())


@pytest.fixture
def reception(qtbot, qloop, live_server, desk: Desk, settings: QSettings) -> Iterator[ReceptionApp]:
    app = arun(qloop, login_through_dialog(qtbot, live_server.url, desk.receptionist.username, settings))
    app.window.resize(1360, 820)
    try:
        yield app
    finally:
        close_app(qloop, app)


async def settle(app: ReceptionApp, quiet: float = 0.3) -> None:
    """Wait until no view-model has a task or a debounced call pending, so a scenario never ends with work
    in flight (outside `arun` the qasync loop is not running, and an HTTP call stepped then would fail)."""

    def busy() -> bool:
        return any(vm.pending or any(d.pending for d in vm._debouncers) for vm in app.view_models)

    while True:
        await until(lambda: not busy(), timeout=10, message="the app did not settle")
        await asyncio.sleep(quiet)
        if not busy():
            return


async def open_timeline(app: ReceptionApp, visit_id: int, *, rows: int = 1) -> tuple[Any, list[list[str]]]:
    """Open a visit's timeline from its card's menu, as a receptionist does; the dialog and its rows' texts."""
    board = app.window.board_view
    menu = board.card_menu(visit_id)
    next(a for a in menu.actions() if a.text() == "Timeline…").trigger()
    menu.close()
    dialog = board.timeline
    await until(lambda: dialog.vm.model.rowCount() >= rows and dialog.vm.fetch_count == 1, 10)
    await settle(app)
    model = dialog.table.model()
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    return dialog, texts
