"""The waiting-room display over HTTP (in process, real PostgreSQL): display tokens (admin only, the token shown
once and stored as a sha256), the state (calls newest first, the waiting numbers by priority then check-in,
never a name, initials only when the clinic allows them), the refusals of a wrong, another clinic's or revoked
token, and the page itself (one self-contained document: no CDN)."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from common.enums import DisplayNames, Priority, Role, VisitStatus
from common.schemas import DisplayState, DisplayTokenCreated, ErrorOut
from server.models import DisplayToken
from server.services import display as display_service
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit

NOW = datetime.now(UTC)


@pytest.fixture
def admin(db):
    return auth(make_user(db, role=Role.ADMIN))


def create(client, admin, clinic_id: int, name: str = "Waiting room TV") -> DisplayTokenCreated:
    r = client.post("/display-tokens", json={"clinic_id": clinic_id, "name": name}, headers=admin)
    assert r.status_code == 201, r.text
    return DisplayTokenCreated.model_validate(r.json())


def test_token_is_shown_once_and_stored_as_its_hash(client, db, admin):
    clinic = make_clinic(db)
    created = create(client, admin, clinic.id)
    assert len(created.token) >= 40 and created.url == f"/display/{clinic.id}?token={created.token}"
    row = db.get(DisplayToken, created.id)
    assert row.token_hash == hashlib.sha256(created.token.encode()).hexdigest() and created.token not in row.token_hash

    listed = client.get("/display-tokens", params={"clinic_id": clinic.id}, headers=admin).json()
    assert [t["id"] for t in listed] == [created.id]
    assert "token" not in listed[0] and created.token not in str(listed)
    other = create(client, admin, make_clinic(db).id)
    assert {t["id"] for t in client.get("/display-tokens", headers=admin).json()} >= {created.id, other.id}


def test_revoke_then_the_token_is_refused(client, db, admin):
    clinic = make_clinic(db)
    created = create(client, admin, clinic.id)
    assert client.get(f"/display/{clinic.id}/state", params={"token": created.token}).status_code == 200
    r = client.delete(f"/display-tokens/{created.id}", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    again = client.delete(f"/display-tokens/{created.id}", headers=admin)
    assert again.json()["revoked_at"] == r.json()["revoked_at"]  # revoking twice keeps the first time
    refused = client.get(f"/display/{clinic.id}/state", params={"token": created.token})
    assert refused.status_code == 403 and "revoked" in ErrorOut.model_validate(refused.json()).detail
    missing = client.delete("/display-tokens/2000000000", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_tokens_are_the_admins(client, db, admin):
    clinic = make_clinic(db)
    created = create(client, admin, clinic.id)
    for user in (make_user(db, role=Role.RECEPTIONIST, clinic=clinic), make_doctor(db, clinic).user):
        h = auth(user)
        assert client.post("/display-tokens", json={"clinic_id": clinic.id, "name": "TV"}, headers=h).status_code == 403
        assert client.get("/display-tokens", headers=h).status_code == 403
        assert client.delete(f"/display-tokens/{created.id}", headers=h).status_code == 403
    r = client.post("/display-tokens", json={"clinic_id": 2_000_000_000, "name": "TV"}, headers=admin)
    assert r.status_code == 422 and r.json()["field"] == "clinic_id"
    r = client.post("/display-tokens", json={"clinic_id": clinic.id, "name": ""}, headers=admin)
    assert r.status_code == 422 and r.json()["field"] == "name"


def test_wrong_or_foreign_tokens_reveal_nothing(client, db, admin):
    clinic, other = make_clinic(db), make_clinic(db)
    mine = create(client, admin, clinic.id).token
    answers = [
        client.get(f"/display/{other.id}/state", params={"token": mine}),  # another clinic's token
        client.get("/display/2000000000/state", params={"token": mine}),  # no such clinic
        client.get(f"/display/{clinic.id}/state", params={"token": "not-a-token"}),
        client.get(f"/display/{clinic.id}/state"),  # none
        client.get(f"/display/{other.id}", params={"token": mine}),  # the page asked as JSON
    ]
    assert {(r.status_code, r.text) for r in answers} == {(401, answers[0].text)}
    assert "not valid" in answers[0].json()["detail"]
    # a staff login does not open a screen
    desk = auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic))
    assert client.get(f"/display/{clinic.id}/state", headers=desk).status_code == 401


def test_last_used_is_written_sparingly(client, db, admin):
    clinic = make_clinic(db)
    created = create(client, admin, clinic.id)
    assert db.get(DisplayToken, created.id).last_used_at is None
    client.get(f"/display/{clinic.id}/state", params={"token": created.token})
    db.expire_all()
    first = db.get(DisplayToken, created.id).last_used_at
    assert first is not None
    client.get(f"/display/{clinic.id}/state", params={"token": created.token})
    db.expire_all()
    assert db.get(DisplayToken, created.id).last_used_at == first  # not rewritten on every request
    later = first + display_service.TOUCH_EVERY + timedelta(seconds=1)
    display_service.check_token(db, clinic_id=clinic.id, token=created.token, now=later)
    db.expire_all()
    assert db.get(DisplayToken, created.id).last_used_at == later


@pytest.fixture
def floor(db):
    clinic = make_clinic(db, name="Harbour Clinic")
    house = make_doctor(db, clinic, full_name="Dr Lena Ortiz")
    ent = make_doctor(db, clinic, full_name="Dr Sam Reyes")
    service = make_service(db, clinic)
    return clinic, house, ent, service


def visit(db, clinic, doctor, service, number, status=VisitStatus.WAITING, minutes_ago=30, **kw):
    patient = make_patient(db, clinic, full_name=kw.pop("name", f"Patient Number{number}"))
    return make_visit(
        db,
        patient=patient,
        doctor=doctor,
        service=service,
        status=status,
        queue_number=number,
        check_in_time=NOW - timedelta(minutes=minutes_ago),
        **kw,
    )


def test_state_calls_newest_first_and_next_by_priority(client, db, admin, floor):
    clinic, house, ent, service = floor
    # waiting: 1 normal (first in), 2 emergency, 3 urgent, 4 normal, 5 emergency (last in)
    visit(db, clinic, house, service, 1, minutes_ago=50)
    visit(db, clinic, house, service, 2, minutes_ago=40, priority=Priority.EMERGENCY)
    visit(db, clinic, ent, service, 3, minutes_ago=30, priority=Priority.URGENT)
    visit(db, clinic, ent, service, 4, minutes_ago=20)
    visit(db, clinic, house, service, 5, minutes_ago=10, priority=Priority.EMERGENCY)
    # called, newest call first; with the doctor after a call; with the doctor without a call; finished
    visit(db, clinic, house, service, 6, VisitStatus.CALLED, room="3", called_at=NOW - timedelta(minutes=9))
    visit(db, clinic, ent, service, 7, VisitStatus.CALLED, room="12B", called_at=NOW - timedelta(minutes=1))
    visit(db, clinic, house, service, 8, VisitStatus.IN_PROGRESS, room="3", called_at=NOW - timedelta(minutes=5))
    visit(db, clinic, house, service, 9, VisitStatus.IN_PROGRESS)
    visit(db, clinic, ent, service, 10, VisitStatus.COMPLETED, called_at=NOW - timedelta(minutes=2))
    visit(db, clinic, ent, service, 11, VisitStatus.CANCELLED, called_at=NOW - timedelta(minutes=2))
    # yesterday's call, seen since, and yesterday's cancelled visit (one still open would show: see
    # tests/server/test_past_midnight.py); another clinic's
    yesterday = NOW - timedelta(days=1)
    visit(db, clinic, ent, service, 12, VisitStatus.COMPLETED, called_at=yesterday, queue_date=yesterday.date())
    visit(db, clinic, ent, service, 13, VisitStatus.CANCELLED, queue_date=yesterday.date())
    other = make_clinic(db)
    visit(db, other, make_doctor(db, other), make_service(db, other), 14)

    token = create(client, admin, clinic.id).token
    r = client.get(f"/display/{clinic.id}/state", params={"token": token})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    state = DisplayState.model_validate(r.json())
    assert state.clinic_name == "Harbour Clinic" and state.timezone == "UTC"
    assert [(s.queue_number, s.doctor_name, s.room) for s in state.now_serving] == [
        (7, "Dr Sam Reyes", "12B"),
        (8, "Dr Lena Ortiz", "3"),
        (6, "Dr Lena Ortiz", "3"),
    ]
    assert state.next == [2, 5, 3, 1, 4]  # emergencies, the urgent one, then the rest, each by check-in
    assert all(s.patient_initials is None for s in state.now_serving)
    assert "Number" not in r.text  # no patient name, ever


def test_limits(client, db, admin, floor):
    clinic, house, _, service = floor
    for n in range(1, 13):
        visit(db, clinic, house, service, n, minutes_ago=60 - n)
    for n in range(20, 28):
        visit(db, clinic, house, service, n, VisitStatus.CALLED, called_at=NOW - timedelta(minutes=30 - n))
    state = display_service.display_state(db, clinic_id=clinic.id)
    assert state.next == list(range(1, 11))
    assert [s.queue_number for s in state.now_serving] == [27, 26, 25, 24, 23, 22]


def test_initials_only_when_the_clinic_allows_them(client, db, admin, floor):
    clinic, house, _, service = floor
    visit(db, clinic, house, service, 1, VisitStatus.CALLED, called_at=NOW, name="maria del Carmen Ruiz")
    token = create(client, admin, clinic.id).token
    shown = client.get(f"/display/{clinic.id}/state", params={"token": token}).json()
    assert shown["now_serving"][0]["patient_initials"] is None and "Ruiz" not in str(shown)
    clinic.display_names = DisplayNames.INITIALS
    db.flush()
    shown = client.get(f"/display/{clinic.id}/state", params={"token": token}).json()
    assert shown["now_serving"][0]["patient_initials"] == "M.R." and "Ruiz" not in str(shown)


def test_initials():
    assert display_service.initials("Asher Okafor") == "A.O."
    assert display_service.initials("  cher ") == "C."
    assert display_service.initials("J. R. R. Tolkien") == "J.T."
    assert display_service.initials("123") == ""


def test_the_page_is_one_self_contained_document(client, db, admin):
    clinic = make_clinic(db)
    created = create(client, admin, clinic.id)
    r = client.get(f"/display/{clinic.id}", params={"token": created.token}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<style>" in html and "<script>" in html and "/*STYLE*/" not in html and "/*SCRIPT*/" not in html
    assert "http://" not in html and "https://" not in html and "<link" not in html and " src=" not in html
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "connect-src 'self'" in policy
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    assert created.token not in html  # the page reads its token from its own address

    client.delete(f"/display-tokens/{created.id}", headers=admin)
    refused = client.get(f"/display/{clinic.id}", params={"token": created.token}, headers={"Accept": "text/html"})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")  # it shows why
    as_json = client.get(f"/display/{clinic.id}", params={"token": created.token})
    assert as_json.status_code == 403 and as_json.json()["code"] == "forbidden"


def test_state_follows_the_desk_calls_and_triage(client, db, admin, floor):
    """Through the floor's own routes: /queue/priority re-orders the next numbers, /queue/call puts the number
    on screen with its room and time."""
    clinic, house, ent, service = floor
    first, second, third = (visit(db, clinic, house, service, n, minutes_ago=30 - n) for n in (1, 2, 3))
    desk = auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic))
    token = create(client, admin, clinic.id).token

    def state() -> DisplayState:
        return DisplayState.model_validate(client.get(f"/display/{clinic.id}/state", params={"token": token}).json())

    assert state().next == [1, 2, 3]
    r = client.post("/queue/priority", json={"visit_id": third.id, "priority": "EMERGENCY"}, headers=desk)
    assert r.status_code == 200, r.text
    assert state().next == [3, 1, 2]
    r = client.post("/queue/call", json={"visit_id": third.id, "room": "4"}, headers=desk)
    assert r.status_code == 200, r.text
    shown = state()
    assert shown.next == [1, 2]
    [serving] = shown.now_serving
    assert (serving.queue_number, serving.room, serving.doctor_name) == (3, "4", "Dr Lena Ortiz")
    assert serving.called_at is not None
    r = client.post("/queue/phase/move", json={"visit_id": third.id, "phase": "with_doctor"}, headers=desk)
    assert r.status_code == 200, r.text
    assert [s.queue_number for s in state().now_serving] == [3]  # still served, now with the doctor
    body = {"visit_id": first.id, "phase": "with_doctor", "confirm": True}
    r = client.post("/queue/phase/move", json=body, headers=desk)
    assert r.status_code == 200, r.text
    assert [s.queue_number for s in state().now_serving] == [3]  # sent in without a call: not on screen
    assert state().next == [second.queue_number]


def test_each_deployment_announces_on_its_own_channel():
    from server.api.display_feed import display_channel
    from server.core.config import Settings

    assert display_channel(Settings(database_url="postgres://clinic:pw@db:5432/harbour")) == "clinic-display:harbour"
    assert display_channel(Settings(database_url=None)) == "clinic-display"  # embedded: one server PC
