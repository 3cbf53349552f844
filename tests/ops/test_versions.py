"""The version handshake: every response names the server's version, an app older than the server's minimum
gets a 426 that the apps show as "please update the … app to …", and /health reports the version."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from common import version
from common.client import ApiClient, ApiError
from common.client.errors import ApiError as _ApiError
from common.qt.login_dialog import login_error_message
from common.version import VERSION, parse_client_header, parse_version
from server.core.db import libpq_url, normalize_database_url
from server.core.versioning import MIN_CLIENT_VERSIONS, upgrade_message
from tests.support.server_process import ROOT


def test_versions_parse() -> None:
    assert parse_version("0.2.0") == (0, 2, 0)
    assert parse_version("1.4") == (1, 4, 0)
    assert parse_version("0.3.0rc1") == (0, 3, 0)
    assert parse_version("banana") is None
    assert parse_client_header("Reception/0.2.1") == ("reception", (0, 2, 1))
    assert upgrade_message(f"reception/{MIN_CLIENT_VERSIONS['reception']}") is None
    assert upgrade_message("doctor/0.0.9") == (
        f"please update the doctor app to version {MIN_CLIENT_VERSIONS['doctor']} or newer (this server runs {VERSION})"
    )
    assert upgrade_message("reception/garbage") is not None  # an unreadable version of a known app is too old
    assert upgrade_message("some-script/0.0.1") is None  # not one of our apps: served as before


def test_every_response_names_the_server_version_and_old_apps_get_426(client) -> None:
    ok = client.get("/health", headers={"X-Client-Version": f"reception/{VERSION}"})
    assert ok.status_code == 200 and ok.headers["X-Server-Version"] == VERSION
    assert ok.json()["version"] == VERSION and ok.json()["database"] == "ok"
    assert client.get("/health").status_code == 200  # no header (browser, script): served

    refused = client.post(
        "/auth/login", json={"username": "x", "password": "y" * 8}, headers={"X-Client-Version": "reception/0.0.1"}
    )
    assert refused.status_code == 426
    assert refused.headers["X-Server-Version"] == VERSION
    body = refused.json()
    assert body["code"] == "upgrade_required" and body["app"] == "reception"
    assert body["min_version"] == MIN_CLIENT_VERSIONS["reception"]
    assert body["detail"].startswith("please update the reception app to version")
    assert client.get("/doctors", headers={"X-Client-Version": f"reception/{VERSION}"}).headers["X-Server-Version"]


@pytest.mark.asyncio
async def test_an_outdated_app_is_told_to_update_in_words(live_server, monkeypatch) -> None:
    """The real server, an ApiClient that says it is reception 0.0.1: a 426 the login dialog shows as is."""
    monkeypatch.setattr(version, "VERSION", "0.0.1")
    monkeypatch.setattr(version, "_client_app", "reception")
    async with ApiClient(live_server.url) as api:
        with pytest.raises(ApiError) as info:
            await api.login("anyone", "whatever1")
    err = info.value
    assert err.status == 426 and err.code == "upgrade_required"
    wanted = MIN_CLIENT_VERSIONS["reception"]
    assert err.message == f"Please update the reception app to version {wanted} or newer (this server runs {VERSION})"
    shown = login_error_message(err, live_server.url)
    assert shown == err.message + "." and "Traceback" not in shown


@pytest.mark.asyncio
async def test_the_api_client_sends_its_app_and_version(monkeypatch) -> None:
    monkeypatch.setattr(version, "_client_app", "doctor")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("X-Client-Version", ""))
        return httpx.Response(426, json={})  # a 426 without a message still reads as a human sentence

    async with ApiClient("http://clinic.test", transport=httpx.MockTransport(handler)) as api:
        with pytest.raises(_ApiError) as info:
            await api.login("someone", "password1")
    assert seen == [f"doctor/{VERSION}"]
    assert info.value.message == "This app is too old for the server; please update it"


def test_database_urls_of_every_form_run_on_psycopg2(database_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    plain = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    heroku = plain.replace("postgresql://", "postgres://", 1)
    for url in (plain, heroku, database_url):
        normalized = normalize_database_url(url)
        assert normalized.startswith("postgresql+psycopg2://")
        engine = create_engine(normalized)
        try:
            assert engine.dialect.driver == "psycopg2"
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
        finally:
            engine.dispose()
    assert libpq_url(heroku) == plain
    socket_url = make_url(normalize_database_url("postgres://u:p%40ss@/db?host=/run/pg"))
    assert (socket_url.drivername, socket_url.password, socket_url.query["host"]) == (
        "postgresql+psycopg2",
        "p@ss",
        "/run/pg",
    )


def test_socket_client_check_catches_a_missing_aiohttp() -> None:
    """The failure pip 23.2 produced (no aiohttp): the check names it instead of leaving the apps Offline."""
    probe = (
        "import sys; sys.modules['aiohttp'] = None\n"
        "from common.client.transport_check import SocketTransportMissing, check_socket_client\n"
        "try:\n    check_socket_client()\nexcept SocketTransportMissing as exc:\n    print('MISSING', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("MISSING aiohttp is not installed"), out.stdout + out.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "common.client.transport_check"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0 and "over aiohttp" in ok.stdout
