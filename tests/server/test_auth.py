"""Login, tokens and /auth/me against the real app and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from common.enums import Role
from server.core.config import get_settings
from server.core.security import ALGORITHM, create_token
from tests.factories import PASSWORD, auth, make_clinic, make_doctor, make_user

WRONG = "incorrect username or password"


def _login(client, username: str, password: str):
    return client.post("/auth/login", json={"username": username, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(user_id: int, *, token_type: str = "access", lifetime: timedelta, secret: str | None = None) -> str:
    now = datetime.now(UTC)
    payload = {"sub": str(user_id), "type": token_type, "iat": now - timedelta(hours=1), "exp": now + lifetime}
    return jwt.encode(payload, secret or get_settings().secret_key, algorithm=ALGORITHM)


@pytest.fixture
def reception(db):
    return make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))


def test_login_with_the_right_password_returns_a_token_pair_and_the_user(client, reception):
    r = _login(client, reception.username, PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"] and body["refresh_token"] and body["access_token"] != body["refresh_token"]
    assert body["user"] == {
        "id": reception.id,
        "username": reception.username,
        "full_name": reception.full_name,
        "role": "RECEPTIONIST",
        "clinic_id": reception.clinic_id,
        "doctor_id": None,
        "is_active": True,
    }
    me = client.get("/auth/me", headers=_bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == reception.id


def test_wrong_password_and_unknown_user_get_the_same_401(client, reception):
    wrong = _login(client, reception.username, "not-the-password")
    unknown = _login(client, "nobody_by_this_name", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    # Same body for both, so the answer does not tell which usernames exist.
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"] == WRONG
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_inactive_user_cannot_log_in(client, db):
    user = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db), is_active=False)
    r = _login(client, user.username, PASSWORD)
    assert r.status_code == 401
    assert "access_token" not in r.json()


def test_inactive_user_token_is_refused(client, db, reception):
    headers = auth(reception)
    assert client.get("/auth/me", headers=headers).status_code == 200
    reception.is_active = False
    db.flush()
    assert client.get("/auth/me", headers=headers).status_code == 401


def test_login_body_is_validated(client):
    assert client.post("/auth/login", json={"username": "x"}).status_code == 422
    assert client.post("/auth/login", json={"username": "", "password": "x"}).status_code == 422


def test_repeated_failures_lock_the_username_even_for_the_right_password(client, reception):
    limit = get_settings().login_max_failures
    for _ in range(limit):
        assert _login(client, reception.username, "wrong-password").status_code == 401
    locked = _login(client, reception.username, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["retry_after_seconds"] > 0
    # Case variants of the name share the counter.
    assert _login(client, reception.username.upper(), PASSWORD).status_code == 429


def test_a_success_before_the_limit_resets_the_failure_count(client, reception):
    limit = get_settings().login_max_failures
    for _ in range(limit - 1):
        assert _login(client, reception.username, "wrong-password").status_code == 401
    assert _login(client, reception.username, PASSWORD).status_code == 200
    for _ in range(limit - 1):
        assert _login(client, reception.username, "wrong-password").status_code == 401
    assert _login(client, reception.username, PASSWORD).status_code == 200


def test_throttling_one_user_does_not_lock_another(client, db, reception):
    other = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    for _ in range(get_settings().login_max_failures):
        _login(client, reception.username, "wrong-password")
    assert _login(client, reception.username, PASSWORD).status_code == 429
    assert _login(client, other.username, PASSWORD).status_code == 200


def test_expired_access_token_is_refused(client, reception):
    assert client.get("/auth/me", headers=_bearer(_token(reception.id, lifetime=timedelta(minutes=5)))).is_success
    r = client.get("/auth/me", headers=_bearer(_token(reception.id, lifetime=timedelta(seconds=-1))))
    assert r.status_code == 401
    assert r.json()["detail"] == "token expired"


def test_expired_token_from_settings_with_negative_lifetime(client, reception, monkeypatch):
    monkeypatch.setattr(get_settings(), "access_token_minutes", -1)
    token = create_token(reception.id, "access")
    monkeypatch.undo()
    assert client.get("/auth/me", headers=_bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"), id="signature-changed"),
        pytest.param(lambda t: t + "x", id="signature-extended"),
        pytest.param(lambda t: t.split(".")[0] + ".e30." + t.split(".")[2], id="payload-replaced"),
        pytest.param(lambda t: "not-a-jwt", id="garbage"),
    ],
)
def test_tampered_token_is_refused(client, reception, mangle):
    token = create_token(reception.id, "access")
    assert client.get("/auth/me", headers=_bearer(token)).status_code == 200
    r = client.get("/auth/me", headers=_bearer(mangle(token)))
    assert r.status_code == 401, r.text


def test_token_signed_with_another_key_cannot_claim_another_user(client, db, reception):
    admin = make_user(db, role=Role.ADMIN)
    forged = _token(admin.id, lifetime=timedelta(minutes=5), secret="some-other-secret-0123456789abcdef")
    assert client.get("/auth/me", headers=_bearer(forged)).status_code == 401
    assert client.get("/users", headers=_bearer(forged)).status_code == 401


def test_missing_or_non_bearer_authorization_is_401(client, reception):
    assert client.get("/auth/me").status_code == 401
    token = create_token(reception.id, "access")
    assert client.get("/auth/me", headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_refresh_returns_a_new_working_pair(client, reception):
    pair = _login(client, reception.username, PASSWORD).json()
    r = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["user"]["id"] == reception.id
    assert client.get("/auth/me", headers=_bearer(new["access_token"])).json()["id"] == reception.id
    again = client.post("/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 200


def test_access_token_cannot_be_used_as_refresh_token_nor_the_reverse(client, reception):
    pair = _login(client, reception.username, PASSWORD).json()
    r = client.post("/auth/refresh", json={"refresh_token": pair["access_token"]})
    assert r.status_code == 401
    assert "access_token" not in r.json()
    assert client.get("/auth/me", headers=_bearer(pair["refresh_token"])).status_code == 401


def test_expired_refresh_token_is_refused(client, reception):
    token = _token(reception.id, token_type="refresh", lifetime=timedelta(seconds=-1))
    assert client.post("/auth/refresh", json={"refresh_token": token}).status_code == 401


def test_refresh_for_a_deactivated_user_is_refused(client, db, reception):
    pair = _login(client, reception.username, PASSWORD).json()
    reception.is_active = False
    db.flush()
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_me_includes_the_doctor_profile_id_for_doctors(client, db):
    doctor = make_doctor(db, make_clinic(db), all_hours=False)
    pair = _login(client, doctor.user.username, PASSWORD).json()
    assert pair["user"]["doctor_id"] == doctor.id
    me = client.get("/auth/me", headers=_bearer(pair["access_token"])).json()
    assert me["role"] == "DOCTOR"
    assert me["doctor_id"] == doctor.id
    assert me["id"] == doctor.user_id  # doctor_id is the profile's id, id stays the user's
    assert me["clinic_id"] == doctor.clinic_id


def test_me_for_admin_has_no_clinic_and_no_doctor(client, db):
    admin = make_user(db, role=Role.ADMIN)
    me = client.get("/auth/me", headers=auth(admin)).json()
    assert me["role"] == "ADMIN" and me["clinic_id"] is None and me["doctor_id"] is None
