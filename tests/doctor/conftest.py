"""Doctor app fixtures: committed data for the live server, and a factory that opens logged-in doctor apps."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy.orm import Session

from client_doctor.app import DoctorSession
from client_doctor.settings import DoctorSettings
from common.client.api import ApiClient
from tests.doctor.seed import Scene, make_scene
from tests.factories import PASSWORD
from tests.support.qt import arun

OpenApp = Callable[..., Awaitable[DoctorSession]]


@pytest.fixture
def scene(committed_db: Session) -> Scene:
    return make_scene(committed_db)


@pytest.fixture
def open_app(qloop: asyncio.AbstractEventLoop, qtbot, live_server, tmp_path: Path) -> Iterator[OpenApp]:
    """`await open_app(username)` → a DoctorSession logged in against the live server (closed at teardown)."""
    sessions: list[DoctorSession] = []
    apis: list[ApiClient] = []

    async def _open(username: str, *, auto_open: bool = True, profile: str = "a") -> DoctorSession:
        api = ApiClient(live_server.url)
        apis.append(api)
        await api.login(username, PASSWORD)
        qsettings = QSettings(str(tmp_path / f"settings-{profile}.ini"), QSettings.Format.IniFormat)
        settings = DoctorSettings(qsettings)
        settings.auto_open_consultation = auto_open
        session = await DoctorSession.start(api, settings=settings, drafts_dir=tmp_path / f"drafts-{profile}")
        sessions.append(session)
        session.window.resize(1280, 800)
        await wait_live(session)
        return session

    yield _open

    async def _close() -> None:
        for session in sessions:
            await session.aclose()
        for api in apis:
            await api.aclose()

    arun(qloop, _close())


async def wait_live(session: DoctorSession, timeout: float = 10) -> None:
    from tests.support.qt import until

    await until(lambda: session.live.connected, timeout, "the doctor app's live connection did not come up")
