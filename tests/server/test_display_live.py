"""The waiting-room display against real server processes: its Server-Sent Events stream sends the state on
connect and again right after a call made through the API, a revoked token ends the open stream with a
`refused` event and is refused afterwards; with Redis, a call made through one process reaches a screen
connected to another. And the `clinic-server display-token` CLI."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import redis

from common.enums import Role
from server.cli import main
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user
from tests.support.server_process import ServerProcess, running_pair

pytestmark = pytest.mark.timeout(90)
REDIS_URL = "redis://127.0.0.1:6379/13"


class Sse:
    """Reads one Server-Sent Events response: (event name, data) per message; comments are kept as ("#", text)."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.aiter_lines()

    async def next(self, timeout: float = 5.0) -> tuple[str, str]:
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> tuple[str, str]:
        name, data = "message", []
        async for line in self.lines:
            if line == "":
                if data:
                    return name, "\n".join(data)
                continue
            if line.startswith(":"):
                return "#", line[1:].strip()
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        raise EOFError("the stream ended")

    async def state(self, timeout: float = 5.0) -> dict:
        name, data = await self.next(timeout)
        assert name == "message", (name, data)
        return json.loads(data)

    async def state_where(self, check, timeout: float = 5.0) -> dict:
        """The first state that passes `check` (a change may bring more than one state)."""

        async def find() -> dict:
            while not check(state := await self.state(timeout)):
                pass
            return state

        return await asyncio.wait_for(find(), timeout)


@pytest.fixture
def desk_world(committed_db) -> dict:
    clinic = make_clinic(committed_db, name="Harbour Clinic")
    doctor = make_doctor(committed_db, clinic, full_name="Dr Lena Ortiz")
    world = {
        "clinic": clinic.id,
        "doctor": doctor.id,
        "service": make_service(committed_db, clinic).id,
        "patient": make_patient(committed_db, clinic, full_name="Asher Okafor").id,
        "desk": auth(make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)),
        "admin": auth(make_user(committed_db, role=Role.ADMIN)),
    }
    committed_db.commit()
    return world


async def checkin(http: httpx.AsyncClient, w: dict) -> dict:
    body = {"patient_id": w["patient"], "doctor_id": w["doctor"], "service_id": w["service"]}
    r = await http.post("/queue/checkin", json=body, headers=w["desk"])
    assert r.status_code == 201, r.text
    return r.json()


async def call(http: httpx.AsyncClient, w: dict, visit_id: int) -> None:
    r = await http.post("/queue/call", json={"visit_id": visit_id, "room": "7"}, headers=w["desk"])
    assert r.status_code == 200, r.text


async def new_token(http: httpx.AsyncClient, w: dict) -> dict:
    body = {"clinic_id": w["clinic"], "name": "Waiting room TV"}
    r = await http.post("/display-tokens", json=body, headers=w["admin"])
    assert r.status_code == 201, r.text
    return r.json()


@asynccontextmanager
async def stream(http: httpx.AsyncClient, clinic_id: int, token: str) -> AsyncIterator[Sse]:
    async with http.stream("GET", f"/display/{clinic_id}/events", params={"token": token}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        yield Sse(r)


@pytest.mark.asyncio
async def test_stream_follows_the_calls_and_a_revocation_ends_it(live_server, desk_world):
    w = desk_world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        token = await new_token(http, w)
        visit = await checkin(http, w)
        async with stream(http, w["clinic"], token["token"]) as screen:
            first = await screen.state()
            assert first["now_serving"] == [] and first["next"] == [visit["queue_number"]]

            await call(http, w, visit["id"])
            state = await screen.state(timeout=2)  # (the browser test holds it to a second)
            assert [s["queue_number"] for s in state["now_serving"]] == [visit["queue_number"]]
            serving = state["now_serving"][0]
            assert (serving["doctor_name"], serving["room"], state["next"]) == ("Dr Lena Ortiz", "7", [])
            assert serving["called_at"] is not None
            assert "Okafor" not in json.dumps(state)

            r = await http.delete(f"/display-tokens/{token['id']}", headers=w["admin"])
            assert r.status_code == 200
            name, data = await screen.next(timeout=2)
            assert name == "refused" and json.loads(data)["status"] == 403
            with pytest.raises(EOFError):
                await screen.next(timeout=2)
        r = await http.get(f"/display/{w['clinic']}/events", params={"token": token["token"]})
        assert r.status_code == 403 and r.json()["code"] == "forbidden"


@pytest.mark.asyncio
async def test_the_clinics_settings_reach_its_screens(live_server, desk_world):
    """Initials allowed, or the clinic renamed, by an admin: the open screens show it at once."""
    w = desk_world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        token = await new_token(http, w)
        visit = await checkin(http, w)
        await call(http, w, visit["id"])
        async with stream(http, w["clinic"], token["token"]) as screen:
            assert (await screen.state())["now_serving"][0]["patient_initials"] is None
            body = {"display_names": "initials", "name": "Harbour Clinic North"}
            r = await http.patch(f"/clinics/{w['clinic']}", json=body, headers=w["admin"])
            assert r.status_code == 200, r.text
            state = await screen.state(timeout=2)
            assert state["clinic_name"] == "Harbour Clinic North"
            assert state["now_serving"][0]["patient_initials"] == "A.O."


@pytest.mark.asyncio
async def test_turning_initials_off_takes_them_off_the_open_screens_at_once(live_server, desk_world):
    """The clinic's display settings are on the screens too: PATCH /clinics (no queue event at all) is pushed, so
    initials switched off leave the wall at once, not at the next call; a new name shows at once."""
    w = desk_world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        clinic = f"/clinics/{w['clinic']}"
        assert (await http.patch(clinic, json={"display_names": "initials"}, headers=w["admin"])).status_code == 200
        token = await new_token(http, w)
        await call(http, w, (await checkin(http, w))["id"])
        async with stream(http, w["clinic"], token["token"]) as screen:
            first = await screen.state()
            assert [s["patient_initials"] for s in first["now_serving"]] == ["A.O."]
            r = await http.patch(clinic, json={"display_names": "none", "name": "Harbour Health"}, headers=w["admin"])
            assert r.status_code == 200, r.text
            state = await screen.state(timeout=2)
            assert [s["patient_initials"] for s in state["now_serving"]] == [None]
            assert state["clinic_name"] == "Harbour Health"


@pytest.fixture(scope="module")
def redis_pair(database_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(REDIS_URL).ping()  # fail loudly if Redis is missing, rather than skip
    with running_pair(database_url, REDIS_URL) as pair:
        yield pair


@pytest.mark.asyncio
async def test_a_call_through_one_process_reaches_a_screen_on_another(redis_pair, desk_world):
    a, b = redis_pair
    w = desk_world
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=10) as via_a,
        httpx.AsyncClient(base_url=b.url, timeout=10) as via_b,
    ):
        token = await new_token(via_a, w)
        visit = await checkin(via_a, w)
        async with stream(via_b, w["clinic"], token["token"]) as screen:
            assert (await screen.state())["next"] == [visit["queue_number"]]
            await call(via_a, w, visit["id"])
            state = await screen.state_where(lambda s: s["now_serving"])
            assert [s["queue_number"] for s in state["now_serving"]] == [visit["queue_number"]]
            await via_a.delete(f"/display-tokens/{token['id']}", headers=w["admin"])  # revoked on A
            name = "message"
            while name == "message":  # (a later state of the same call may come first)
                name, _ = await screen.next(timeout=5)
            assert name == "refused"  # the screen on B is told at once (not at its next heartbeat)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`clinic-server display-token ...`, in process (the console script's own entry point)."""
    code = main(["display-token", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_creates_lists_and_revokes(capsys, committed_db, live_server):
    clinic = make_clinic(committed_db)
    committed_db.commit()
    base = ("--base-url", live_server.url)
    code, out, _ = cli(capsys, "create", "--clinic-id", str(clinic.id), "--name", "Lobby TV", *base)
    assert code == 0, out
    url = next(word for word in out.split() if word.startswith(live_server.url))
    token_id = int(out.split()[2])
    page = httpx.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Now serving" in page.text

    code, out, _ = cli(capsys, "list", "--clinic-id", str(clinic.id))
    assert code == 0 and "Lobby TV" in out and "active" in out and url.split("token=")[1] not in out
    code, out, _ = cli(capsys, "revoke", str(token_id))
    assert code == 0 and "revoked" in out
    assert httpx.get(url).status_code == 403
    code, _, err = cli(capsys, "create", "--clinic-id", "2000000000", "--name", "X")
    assert code == 1 and "does not exist" in err
    code, _, err = cli(capsys, "revoke", "2000000000")
    assert code == 1 and "not found" in err


@pytest.mark.asyncio
async def test_one_token_holds_at_most_ten_screens(live_server, desk_world):
    """A copied token opened in a loop must not hold the server's connections: the 11th screen is refused (429,
    with Retry-After) while ten are open, and a screen closed frees its place."""
    from contextlib import AsyncExitStack

    from server.realtime.display import MAX_STREAMS_PER_TOKEN

    w = desk_world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        token = await new_token(http, w)
        other = await new_token(http, w)
        async with AsyncExitStack() as screens:
            opened = [await screens.enter_async_context(stream(http, w["clinic"], token["token"])) for _ in range(10)]
            for screen in opened:
                await screen.state()
            assert len(opened) == MAX_STREAMS_PER_TOKEN
            r = await http.get(f"/display/{w['clinic']}/events", params={"token": token["token"]})
            assert r.status_code == 429 and r.json()["code"] == "too_many_requests", r.text
            assert int(r.headers["retry-after"]) >= 1
            async with stream(http, w["clinic"], other["token"]) as screen:  # another token is not affected
                await screen.state()
        async with stream(http, w["clinic"], token["token"]) as screen:  # all closed: the token opens again
            await screen.state()
