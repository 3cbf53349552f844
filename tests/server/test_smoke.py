from common.enums import Role
from tests.factories import PASSWORD, auth, make_clinic, make_user


def test_login_and_me(client, db):
    clinic = make_clinic(db)
    user = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    r = client.post("/auth/login", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["clinic_id"] == clinic.id
    me = client.get("/auth/me", headers=auth(user))
    assert me.json()["username"] == user.username


def test_live_server_health(live_server):
    import httpx

    from common.version import VERSION

    response = httpx.get(f"{live_server.url}/health")
    assert response.json() == {"status": "ok", "version": VERSION, "database": "ok"}
    assert response.headers["X-Server-Version"] == VERSION
