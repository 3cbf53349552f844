"""Issue 10, part 6: refresh tokens rotate and a reused one revokes its family; a password reset, a
deactivation (user or doctor profile) or a new role ends every session of the user: refresh and access tokens
are refused, and open sockets are disconnected within 5 s, through a real server and real sockets, also when
the admin acts through another server process behind Redis."""

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis
import socketio

from common.enums import Role
from server.core.security import create_token
from tests.factories import PASSWORD, auth, make_clinic, make_doctor, make_user, token_for
from tests.support.server_process import ServerProcess, running_pair

pytestmark = pytest.mark.timeout(120)
REDIS_URL = "redis://127.0.0.1:6379/12"  # hardening's Redis database (TEAM.md)
DISCONNECT_WITHIN = 5.0


def _login(client, user) -> dict:
    r = client.post("/auth/login", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


def _refresh(client, token: str):
    return client.post("/auth/refresh", json={"refresh_token": token})


@pytest.fixture
def reception(db):
    return make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))


def test_each_refresh_returns_a_new_refresh_token_and_spends_the_old_one(client, reception):
    first = _login(client, reception)
    second = _refresh(client, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    third = _refresh(client, second["refresh_token"])
    assert third.status_code == 200, third.text
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {third.json()['access_token']}"}).is_success


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(client, reception):
    stolen = _login(client, reception)
    owners = _refresh(client, stolen["refresh_token"]).json()  # the owner refreshes
    other_device = _login(client, reception)  # another login: another family
    reuse = _refresh(client, stolen["refresh_token"])  # the thief replays the spent token
    assert reuse.status_code == 401
    assert _refresh(client, owners["refresh_token"]).status_code == 401  # the family is gone
    assert _refresh(client, other_device["refresh_token"]).status_code == 200  # other sessions are not


def test_a_refresh_token_the_server_never_issued_is_refused(client, reception):
    forged = create_token(reception.id, "refresh", jti=uuid.uuid4().hex, fam=uuid.uuid4().hex)
    assert _refresh(client, forged).status_code == 401
    legacy = create_token(reception.id, "refresh")  # an old-style token without a server-side id
    assert _refresh(client, legacy).status_code == 401


@pytest.mark.parametrize(
    "action",
    ["password_reset", "user_deactivated", "user_deleted", "renamed_only", "doctor_deactivated"],
)
def test_an_admin_action_ends_every_session_of_the_user(client, db, action):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    admin = auth(make_user(db, role=Role.ADMIN))
    user = doctor.user
    pair = _login(client, user)
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/auth/me", headers=bearer).status_code == 200
    r = {
        "password_reset": lambda: client.patch(f"/users/{user.id}", json={"password": "n3w-secret"}, headers=admin),
        "user_deactivated": lambda: client.patch(f"/users/{user.id}", json={"is_active": False}, headers=admin),
        "user_deleted": lambda: client.delete(f"/users/{user.id}", headers=admin),
        "renamed_only": lambda: client.patch(f"/users/{user.id}", json={"full_name": "Same"}, headers=admin),
        "doctor_deactivated": lambda: client.delete(f"/doctors/{doctor.id}", headers=admin),
    }[action]()
    assert r.status_code == 200, r.text
    ended = action != "renamed_only"  # a new name is not a change of what the tokens grant
    assert (client.get("/auth/me", headers=bearer).status_code == 401) is ended
    assert (_refresh(client, pair["refresh_token"]).status_code == 401) is ended


# --- real server, real sockets ---------------------------------------------------------------------------------


async def _connect(url: str, token: str) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return sio


async def _disconnected_within(sio: socketio.AsyncClient, seconds: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while sio.connected and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return not sio.connected


@pytest.fixture
def people(committed_db):
    clinic = make_clinic(committed_db)
    people = {
        "admin": make_user(committed_db, role=Role.ADMIN),
        "desk": make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic),
        "bystander": make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(committed_db, clinic, all_hours=False),
    }
    committed_db.commit()
    return people


@pytest.mark.asyncio
@pytest.mark.parametrize("action", ["password_reset", "user_deactivated", "doctor_deactivated"])
async def test_sockets_of_an_ended_session_are_disconnected_within_5s(live_server, people, action):
    target = people["doctor"].user if action == "doctor_deactivated" else people["desk"]
    victim = await _connect(live_server.url, token_for(target))
    bystander = await _connect(live_server.url, token_for(people["bystander"]))
    try:
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(people["admin"]), timeout=30) as http:
            if action == "password_reset":
                r = await http.patch(f"/users/{target.id}", json={"password": "n3w-secret"})
            elif action == "user_deactivated":
                r = await http.delete(f"/users/{target.id}")
            else:
                r = await http.delete(f"/doctors/{people['doctor'].id}")
            assert r.status_code == 200, r.text
        assert await _disconnected_within(victim, DISCONNECT_WITHIN)
        assert bystander.connected  # only the ended session's sockets go
        with pytest.raises(socketio.exceptions.ConnectionError):  # and the old token cannot come back
            await _connect(live_server.url, token_for(target))
    finally:
        for sio in (victim, bystander):
            if sio.connected:
                await sio.disconnect()


@pytest.fixture(scope="module")
def redis_pair(database_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(REDIS_URL).ping()
    with running_pair(database_url, REDIS_URL, env={"REDIS_KEY_PREFIX": f"test:{uuid.uuid4().hex}:"}) as pair:
        yield pair


@pytest.mark.asyncio
async def test_the_sweeper_of_another_process_disconnects_within_5s(redis_pair, people):
    a, b = redis_pair
    on_b = await _connect(b.url, token_for(people["desk"]))
    try:
        async with httpx.AsyncClient(base_url=a.url, headers=auth(people["admin"]), timeout=30) as via_a:
            r = await via_a.patch(f"/users/{people['desk'].id}", json={"password": "n3w-secret"})
            assert r.status_code == 200, r.text
        assert await _disconnected_within(on_b, DISCONNECT_WITHIN)
    finally:
        if on_b.connected:
            await on_b.disconnect()


@pytest.mark.asyncio
async def test_the_server_log_never_holds_passwords_or_tokens(database_url, people):
    # with the access log on (ACCESS_LOG; off by default), the most the server ever writes about a request
    live_server = ServerProcess(database_url, env={"ACCESS_LOG": "true"})
    live_server.start()
    try:
        await _log_holds_no_secrets(live_server, people)
    finally:
        live_server.stop()


async def _log_holds_no_secrets(live_server: ServerProcess, people) -> None:
    guess = "Guess-Only-In-This-Test-7f3a"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        wrong = await http.post("/auth/login", json={"username": people["bystander"].username, "password": guess})
        assert wrong.status_code == 401
        pair = (
            await http.post("/auth/login", json={"username": people["bystander"].username, "password": PASSWORD})
        ).json()
        rotated = (await http.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})).json()
        assert (await http.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})).status_code == 401
    sio = await _connect(live_server.url, rotated["access_token"])
    await sio.disconnect()
    await asyncio.sleep(0.5)  # let the server flush its log
    log = live_server.log_path.read_text(errors="replace")
    assert "/auth/refresh" in log  # the log is the server's, and it did log these requests
    secrets = [
        guess,
        PASSWORD,
        pair["access_token"],
        pair["refresh_token"],
        rotated["access_token"],
        rotated["refresh_token"],
    ]
    for secret in secrets:
        assert secret not in log
