"""ApiClient against the real server process: login, errors as human messages, one central token refresh."""

import asyncio
import contextlib

import httpx
import pytest

from common.client import ApiClient, ApiError
from common.enums import Role
from common.schemas import Page, PatientOut, UserOut
from tests.factories import PASSWORD, make_clinic, make_user
from tests.support.server_process import free_port


@pytest.fixture
def staff(committed_db):
    """A committed admin and receptionist the server process can see."""
    clinic = make_clinic(committed_db)
    admin = make_user(committed_db, role=Role.ADMIN)
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    committed_db.commit()
    return admin, receptionist


@pytest.mark.asyncio
async def test_login_stores_tokens_and_user(live_server, staff):
    _, receptionist = staff
    async with ApiClient(live_server.url) as api:
        pair = await api.login(receptionist.username, PASSWORD)
        assert api.is_logged_in and api.access_token == pair.access_token
        assert api.user is not None and api.user.id == receptionist.id
        assert api.user.role == Role.RECEPTIONIST
        me = await api.me()
        assert me.username == receptionist.username and me.clinic_id == receptionist.clinic_id
        assert api.refresh_count == 0


@pytest.mark.asyncio
async def test_wrong_password_is_a_human_message(live_server, staff):
    admin, _ = staff
    async with ApiClient(live_server.url) as api:
        with pytest.raises(ApiError) as info:
            await api.login(admin.username, "not-the-password")
    err = info.value
    assert err.status == 401
    assert err.message == "Incorrect username or password"
    assert "Traceback" not in str(err)
    assert not api.is_logged_in


@pytest.mark.asyncio
async def test_bogus_access_token_is_refreshed_once_and_retried(live_server, staff):
    admin, _ = staff
    async with ApiClient(live_server.url) as api:
        await api.login(admin.username, PASSWORD)
        seen: list[str | None] = []
        api.on_token_changed(seen.append)
        api.access_token = "bogus"
        me = await api.me()
        assert me.id == admin.id
        assert api.refresh_count == 1
        assert api.access_token not in (None, "bogus")
        assert seen == [api.access_token]


@pytest.mark.asyncio
async def test_concurrent_401s_share_one_refresh(live_server, staff):
    admin, _ = staff
    async with ApiClient(live_server.url) as api:
        await api.login(admin.username, PASSWORD)
        api.access_token = "bogus"
        users = await asyncio.gather(*(api.me() for _ in range(6)))
        assert {u.id for u in users} == {admin.id}
        assert api.refresh_count == 1


@pytest.mark.asyncio
async def test_bursts_of_401s_follow_the_rotating_refresh_token(live_server, staff):
    """The server spends a refresh token on use and revokes the session when a spent one comes back: each
    burst must refresh exactly once, with the newest refresh token, and the session must survive."""
    admin, _ = staff
    async with ApiClient(live_server.url) as api:
        await api.login(admin.username, PASSWORD)
        spent = []
        for burst in (1, 2, 3):
            spent.append(api.refresh_token)
            api.access_token = "bogus"
            users = await asyncio.gather(*(api.me() for _ in range(8)))
            assert {u.id for u in users} == {admin.id}
            assert api.refresh_count == burst
        assert api.refresh_token not in spent
        async with httpx.AsyncClient(base_url=live_server.url) as http:  # a spent token ends the session
            r = await http.post("/auth/refresh", json={"refresh_token": spent[-1]})
        assert r.status_code == 401
        api.access_token = "bogus"
        with pytest.raises(ApiError) as info:
            await api.me()
        assert info.value.code == "session_expired"


@pytest.mark.asyncio
async def test_refused_refresh_ends_the_session(live_server, staff):
    admin, _ = staff
    async with ApiClient(live_server.url) as api:
        await api.login(admin.username, PASSWORD)
        expired: list[bool] = []
        api.on_session_expired(lambda: expired.append(True))
        api.access_token = "bogus"
        api.refresh_token = "also-bogus"
        with pytest.raises(ApiError) as info:
            await api.me()
        assert info.value.status == 401 and info.value.code == "session_expired"
        assert "log in again" in info.value.message
        assert expired == [True]
        assert not api.is_logged_in


@pytest.mark.asyncio
async def test_not_logged_in_is_refused_locally(live_server):
    async with ApiClient(live_server.url) as api:
        with pytest.raises(ApiError) as info:
            await api.me()
    assert info.value.status == 401


@pytest.mark.asyncio
async def test_unreachable_server_is_status_zero():
    url = f"http://127.0.0.1:{free_port()}"
    async with ApiClient(url, timeout=3) as api:
        with pytest.raises(ApiError) as info:
            await api.login("someone", "password")
    assert info.value.status == 0
    assert info.value.message == f"Cannot reach the server at {url}"
    assert info.value.is_connection_error


@pytest.mark.asyncio
async def test_typed_address_is_normalised(live_server):
    async with ApiClient(live_server.url.removeprefix("http://") + "/") as api:
        assert api.base_url == live_server.url
        api.base_url = "127.0.0.1:1"
        assert api.base_url == "http://127.0.0.1:1"


@pytest.mark.asyncio
async def test_invalid_form_is_refused_before_sending():
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    async with ApiClient("http://clinic.test", transport=httpx.MockTransport(handler)) as api:
        api.access_token = "token"
        with pytest.raises(ApiError) as info:
            await api.checkin(patient_id=1)  # a walk-in needs doctor and service too
        assert info.value.status == 422
        assert "walk-in" in info.value.message
        with pytest.raises(ApiError) as info:
            await api.create_patient({"full_name": "  ", "date_of_birth": "not a date"})
        assert info.value.field == "full_name"
        assert info.value.message.startswith("Full name: ")
        assert "Date of birth: " in info.value.message
    assert sent == []


@pytest.mark.asyncio
async def test_list_and_page_shapes_are_both_accepted():
    patient = {
        "id": 1,
        "clinic_id": 2,
        "full_name": "Ada",
        "phone": "",
        "date_of_birth": None,
        "gender": "",
        "medical_history": "",
        "allergies": "",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer token"
        if request.url.path == "/patients":
            assert request.url.params["search"] == "ad"
            assert "clinic_id" not in request.url.params  # unset filters are not sent
            return httpx.Response(200, json=[patient])
        return httpx.Response(200, json={"items": [], "page": 1, "per_page": 50, "total": 0})

    async with ApiClient("http://clinic.test", transport=httpx.MockTransport(handler)) as api:
        api.access_token = "token"
        page = await api.list_patients(search="ad")
        assert isinstance(page, Page) and page.total == 1
        assert isinstance(page.items[0], PatientOut) and page.items[0].full_name == "Ada"
        assert await api.list_doctors() == []


@pytest.mark.asyncio
async def test_refetch_sends_if_none_match_and_reuses_the_copy_on_304():
    board = {
        "date": "2026-11-30",
        "clinic_id": 1,
        "overdue_wait_minutes": 20,
        "waiting": [],
        "with_doctor": [],
        "completed": [],
    }
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("if-none-match"))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, json=board, headers={"ETag": '"v1"'})

    async with ApiClient("http://clinic.test", transport=httpx.MockTransport(handler)) as api:
        api.access_token = "token"
        first = await api.queue_board()
        second = await api.queue_board()
        assert seen == [None, '"v1"']  # the refetch carried the ETag of the copy it holds
        assert second is first  # 304: the copy already parsed, no new request body
        assert api.not_modified_count == 1
        # Another filter is another answer: no If-None-Match borrowed from the unfiltered board.
        await api.queue_board(doctor_id=7)
        assert seen[-1] is None


@pytest.mark.asyncio
async def test_cached_copies_are_forgotten_when_another_user_signs_in():
    user = {"id": 1, "username": "desk", "full_name": "Desk", "role": "RECEPTIONIST", "clinic_id": 1, "is_active": True}
    board = {"date": "2026-11-30", "clinic_id": 1, "overdue_wait_minutes": 20, "waiting": [], "with_doctor": []}
    board["completed"] = []
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/login":
            other = {**user, "id": 2, "username": "dr", "role": "DOCTOR"}
            return httpx.Response(200, json={"access_token": "a2", "refresh_token": "r2", "user": other})
        seen.append(request.headers.get("if-none-match"))
        return httpx.Response(200, json=board, headers={"ETag": '"v1"'})

    async with ApiClient("http://clinic.test", transport=httpx.MockTransport(handler)) as api:
        api.access_token = "token"
        api.user = UserOut.model_validate(user)
        await api.queue_board()
        await api.login("dr", "secret123")
        await api.queue_board()
        assert seen == [None, None]  # the doctor never sends (nor gets) the desk's copy


@pytest.mark.asyncio
async def test_refetches_of_lists_kept_per_seq_send_the_seqs_heard_while_connected():
    from common.client.live import CONNECTED, OFFLINE, LiveEvents
    from common.events import ROOM_SEQ_HEADER

    board = {"date": "2026-11-30", "clinic_id": 3, "overdue_wait_minutes": 20, "waiting": [], "with_doctor": []}
    board["completed"] = []
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get(ROOM_SEQ_HEADER)))
        page = {"items": [], "total": 0, "page": 1, "per_page": 50}
        return httpx.Response(200, json=board if request.url.path == "/queue" else page)

    async with ApiClient("http://clinic.test", transport=httpx.MockTransport(handler)) as api:
        api.access_token = "token"
        live = LiveEvents(api)
        await api.queue_board()  # nothing heard yet: no header, the server reads the database
        live._set_state(CONNECTED)
        live.handle_event("queue_updated", {"seq": 5, "room": "clinic_3"})
        live.handle_event("visit_called", {"seq": 9, "room": "doctor_7"})
        await api.queue_board()
        with contextlib.suppress(ApiError):  # only the request matters here, not the (made up) answer
            await api.doctor_dashboard()
        # the lists the server keeps per their room's seq (the desk's and a doctor's own) send it too
        await api.list_patients()
        await api.list_payments()
        await api.list_appointments()
        await api.doctor_patients()
        await api.doctor_appointments_page()
        await api.history(4, 7)
        for kept in (api.reception_dashboard, api.earnings):
            with contextlib.suppress(ApiError):
                await kept()
        with contextlib.suppress(ApiError):
            await api.get_patient(4)  # one row, not kept per seq: no header
        live._set_state(OFFLINE)  # what was said during a drop is unknown: the database must answer
        await api.queue_board()
    heard = "clinic_3=5, doctor_7=9"
    assert seen[0] == ("/queue", None)
    assert seen[1] == ("/queue", heard)
    assert seen[2] == ("/dashboard/doctor", heard)
    kept = ["/patients", "/payments", "/appointments", "/doctors/patients", "/dashboard/doctor/appointments"]
    kept += ["/patients/4/history/7", "/dashboard/reception", "/doctors/earnings"]
    assert seen[3:11] == [(path, heard) for path in kept]
    assert seen[11] == ("/patients/4", None)
    assert seen[12] == ("/queue", None)
