"""Issue 10, part 5: input that used to answer 500 is now stored faithfully or refused with a 422 naming the
field (NUL bytes, lone surrogates, NaN/1e309 numbers, calendar-end dates, huge pages and ids, over-long admin
text, absurd time zones), and every refusal body is itself valid JSON in the shared error shape."""

import json

import pytest

from common.enums import Role
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_patient,
    make_payment,
    make_service,
    make_user,
    make_visit,
)


@pytest.fixture
def kiritimati(db):
    """A clinic at UTC+14, with a doctor, a desk user, an admin and one paid visit."""
    clinic = make_clinic(db, timezone="Pacific/Kiritimati")
    doctor, service = make_doctor(db, clinic), make_service(db, clinic)
    visit = make_visit(db, patient=make_patient(db, clinic), doctor=doctor, service=service)
    make_payment(db, visit)
    return {
        "clinic": clinic,
        "doctor": doctor,
        "service": service,
        "desk": auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic)),
        "admin": auth(make_user(db, role=Role.ADMIN)),
        "dr": auth(doctor.user),
    }


def _raw(client, method, url, text: str, headers=None):
    """Send `text` as the JSON body exactly as written (json= would refuse NaN and escape surrogates)."""
    head = {"Content-Type": "application/json", **(headers or {})}
    return client.request(method, url, content=text.encode("utf-8", "surrogatepass"), headers=head)


def _refused(r, status: int, field: str | None) -> dict:
    assert r.status_code == status, r.text
    body = json.loads(r.content)  # the body itself is valid JSON (no NaN, no lone surrogate)
    assert body["code"], body
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"username": "adm\\u0000in", "password": "x"}', "username"),
        ('{"username": "admin", "password": "pa\\u0000ss"}', "password"),
        ('{"username": "a\\ud800b", "password": "x"}', "username"),
        ('{"username": "admin", "password": "\\udfff"}', "password"),
        ('{"username": NaN, "password": "x"}', "username"),
        ('{"username": "admin", "password": 1e309}', "password"),
        ('{"username": "' + "u" * 5000 + '", "password": "x"}', "username"),
    ],
)
def test_unauthenticated_login_refuses_unstorable_input_with_a_422(client, text, field):
    _refused(_raw(client, "POST", "/auth/login", text), 422, field)


@pytest.mark.parametrize("token", ["NaN", "1e309", "-Infinity", '"a\\u0000b"', '"\\ud800"', '"' + "t" * 5000 + '"'])
def test_unauthenticated_refresh_refuses_bad_tokens_with_a_422(client, token):
    _refused(_raw(client, "POST", "/auth/refresh", '{"refresh_token": ' + token + "}"), 422, "refresh_token")


def test_a_body_that_is_not_utf8_is_a_400_in_the_shared_error_shape(client):
    r = client.post("/auth/login", content=b'{"username": "\xff\xfe", "password": "x"}',
                    headers={"Content-Type": "application/json"})  # fmt: skip
    assert _refused(r, 400, None)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("method", "url", "text", "field"),
    [
        ("POST", "/patients", '{"full_name": "Ann\\u0000"}', "full_name"),
        ("POST", "/patients", '{"full_name": "Ann", "medical_history": "a\\ud83db"}', "medical_history"),
        ("POST", "/patients", '{"full_name": "Ann", "clinic_id": NaN}', "clinic_id"),
        ("POST", "/patients", '{"full_name": "Ann", "date_of_birth": "0001-01-01"}', "date_of_birth"),
        ("POST", "/patients", '{"full_name": "Ann", "allergies": "' + "a" * 20_001 + '"}', "allergies"),
        ("POST", "/queue/checkin", '{"appointment_id": 1e309}', "appointment_id"),
        ("POST", "/queue/checkin", '{"appointment_id": 9223372036854775808}', "appointment_id"),
        ("POST", "/queue/phase/move", '{"visit_id": 1, "phase": "waiting", "expected_version": -Infinity}',
         "expected_version"),
        ("POST", "/payments", '{"visit_id": 1, "amount": NaN}', "amount"),
        ("POST", "/payments", '{"visit_id": 1, "amount": 1e309}', "amount"),
    ],
)  # fmt: skip
def test_front_desk_bodies_refuse_unstorable_input(client, kiritimati, method, url, text, field):
    _refused(_raw(client, method, url, text, kiritimati["desk"]), 422, field)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/patients?search=a%00b", "search"),
        ("/patients?search=%ED%A0%80", None),  # invalid UTF-8 in the query: decoded with U+FFFD, searched as typed
        ("/patients?page=4611686018427387904", "page"),
        ("/patients?per_page=9223372036854775808", "per_page"),
        ("/patients/1099511627776", "patient_id"),
        ("/appointments?doctor_id=99999999999", "doctor_id"),
        ("/payments?visit_id=-5", "visit_id"),
    ],
)
def test_query_and_path_parameters_are_bounded(client, kiritimati, url, field):
    r = client.get(url, headers=kiritimati["desk"])
    if field is None:
        assert r.status_code == 200, r.text
    else:
        _refused(r, 422, field)


CALENDAR_ENDS = [("0001-01-01", "9999-12-31"), ("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-01")]


@pytest.mark.parametrize(("start", "end"), CALENDAR_ENDS)
def test_calendar_end_dates_in_list_filters_answer(client, kiritimati, start, end):
    """At UTC+14 the local midnight of 0001-01-01 is before the first instant Python holds and the day after
    9999-12-31 does not exist: the bounds are clamped, the filters answer."""
    dates = f"start_date={start}&end_date={end}"
    for who, url in [
        ("desk", f"/appointments?{dates}"),
        ("desk", f"/payments?{dates}"),
        ("desk", f"/payments?date={end}"),
        ("desk", f"/queue?date={end}"),
        ("desk", f"/queue?date={start}"),
        ("dr", f"/doctors/earnings?{dates}"),
        ("dr", f"/doctors/earnings?{dates}&group_by=date"),
        ("dr", f"/dashboard/doctor/appointments?{dates}"),
    ]:
        r = client.get(url, headers=kiritimati[who])
        assert r.status_code == 200, (url, r.text)


def test_the_earnings_csv_over_the_whole_calendar_is_complete(client, kiritimati):
    r = client.get("/doctors/earnings?start_date=0001-01-01&end_date=9999-12-31&format=csv", headers=kiritimati["dr"])
    assert r.status_code == 200, r.text
    lines = r.text.strip().splitlines()
    assert len(lines) == 2, lines  # the header and the one payment: the stream ran to its end


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00Z", "0001-01-01T00:00:00+14:00", "1799-12-31T23:00:00Z"])
def test_a_booking_at_the_end_of_the_calendar_is_a_422_on_start_time(client, db, kiritimati, start):
    patient, doctor, service = make_patient(db, kiritimati["clinic"]), kiritimati["doctor"], kiritimati["service"]
    body = {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service.id, "start_time": start}
    r = client.post("/appointments", json=body, headers=kiritimati["desk"])
    _refused(r, 422, "start_time")


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/clinics", {"name": "C", "address": "a" * 301}, "address"),
        ("POST", "/clinics", {"name": "C", "timezone": "x" * 300}, "timezone"),
        ("POST", "/clinics", {"name": "C", "timezone": "Mars/Olympus_Mons"}, "timezone"),
        ("POST", "/clinics", {"name": "C" * 201}, "name"),
        ("PATCH", "/clinics/{clinic}", {"timezone": "../" * 100}, "timezone"),
        ("PATCH", "/clinics/{clinic}", {"phone": "1" * 41}, "phone"),
        ("PATCH", "/doctors/{doctor}", {"specialty": "s" * 121}, "specialty"),
        ("POST", "/users", {"username": "u" * 81, "password": "secret123", "full_name": "X", "role": "ADMIN"},
         "username"),
        ("POST", "/users", {"username": "okname", "password": "p" * 201, "full_name": "X", "role": "ADMIN"},
         "password"),
        ("PUT", "/doctors/{doctor}/schedule", {"slots": [{"day_of_week": 0, "hour": 9}] * 169}, "slots"),
    ],
)  # fmt: skip
def test_over_long_admin_input_is_a_422_naming_the_field(client, kiritimati, method, url, body, field):
    ids = {"clinic": kiritimati["clinic"].id, "doctor": kiritimati["doctor"].id}
    _refused(client.request(method, url.format(**ids), json=body, headers=kiritimati["admin"]), 422, field)


def test_text_at_its_limit_is_stored_faithfully(client, db, kiritimati):
    history = "Ölçüm 😀 \u200b" + "x" * (20_000 - 10)
    body = {"full_name": " Ann  Lee ", "medical_history": history, "allergies": "", "gender": "g" * 20}
    r = client.post("/patients", json=body, headers=kiritimati["desk"])
    assert r.status_code == 201, r.text
    got = client.get(f"/patients/{r.json()['id']}", headers=kiritimati["desk"]).json()
    assert got["medical_history"] == history and got["full_name"] == "Ann  Lee"


def test_options_and_undefined_methods_answer_405_with_allow_in_the_error_shape(client, app):
    for path, ops in app.api.openapi()["paths"].items():
        url = path.replace("{", "").replace("}", "").replace("_id", "1")  # any id: routing fails before it
        for method in ("OPTIONS", "TRACE"):  # no route takes them
            r = client.request(method, url)
            assert r.status_code == 405, (method, path, r.status_code)
            assert {m.strip() for m in r.headers["allow"].split(",")} >= {m.upper() for m in ops}, (method, path)
            assert r.json()["code"] == "method_not_allowed"


def test_an_unknown_path_is_a_404_in_the_error_shape(client):
    r = client.get("/no/such/route")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found", "code": "not_found"}


def test_the_keep_alive_connection_survives_refused_requests(live_server):
    """Through the real server: after each refusal the same TCP connection serves the next request (a 500
    used to make uvicorn drop it)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    conn.connect()
    sock = conn.sock
    refused = [
        ("POST", "/auth/login", '{"username": "a\\u0000b", "password": "x"}'),
        ("POST", "/auth/login", '{"username": "a\\ud800b", "password": 1e309}'),
        ("POST", "/auth/refresh", '{"refresh_token": NaN}'),
        ("GET", "/patients?page=4611686018427387904", None),
        ("GET", "/health", None),
    ]
    for method, url, body in refused:
        conn.request(method, url, body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        assert r.status < 500 and not r.will_close, (url, r.status)
        assert conn.sock is sock  # the same connection, never reopened
    conn.close()


def test_a_body_over_the_limit_is_a_413_declared_or_streamed(client):
    limit = 1_000_000  # Settings.max_body_bytes default
    declared = client.post("/auth/login", content=b"x" * (limit + 1), headers={"Content-Type": "application/json"})
    assert _refused(declared, 413, None)["code"] == "too_large"

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(3):
            yield b" " * (limit // 2)

    streamed = client.post("/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert _refused(streamed, 413, None)["code"] == "too_large"
    at_limit = '{"username": "u", "password": "' + "p" * 200 + '"}' + " " * (limit - 240)
    assert client.post("/auth/login", content=at_limit, headers={"Content-Type": "application/json"}).status_code == 401


@pytest.mark.asyncio
async def test_a_join_event_with_no_data_is_refused_with_an_ack(live_server, committed_db):
    """Before: the handler had no default for `data`, so a bare `join_*` raised a TypeError in the server."""
    import socketio

    from tests.factories import token_for

    desk = make_user(committed_db, role=Role.RECEPTIONIST, clinic=make_clinic(committed_db))
    committed_db.commit()
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(live_server.url, auth={"token": token_for(desk)}, transports=["websocket"], wait_timeout=10)
    try:
        for event in ("join_clinic_room", "join_doctor_room"):
            ack = await sio.call(event, timeout=10)
            assert ack["ok"] is False and ack["detail"], ack
    finally:
        await sio.disconnect()
