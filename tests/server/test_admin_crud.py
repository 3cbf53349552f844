"""Admin CRUD happy paths and the rules behind them (real PostgreSQL, rolled back per test)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from common.enums import Role
from server.core.errors import Conflict, InvalidInput
from server.core.security import verify_password
from server.models import Doctor, DoctorSchedule, Service, User
from server.services import admin as admin_service
from tests.factories import PASSWORD, auth, make_clinic, make_doctor, make_patient, make_service, make_user, unique


@pytest.fixture
def admin(db) -> User:
    return make_user(db, role=Role.ADMIN)


@pytest.fixture
def h(admin) -> dict[str, str]:
    return auth(admin)


# --- clinics -------------------------------------------------------------------------------------------------


def test_clinic_create_read_update_list(client, h):
    r = client.post("/clinics", json={"name": " North ", "timezone": "Africa/Cairo", "phone": "0100"}, headers=h)
    assert r.status_code == 201, r.text
    clinic = r.json()
    assert clinic["name"] == "North"  # stripped
    assert clinic["timezone"] == "Africa/Cairo" and clinic["overdue_wait_minutes"] == 20 and clinic["event_seq"] == 0
    r = client.patch(f"/clinics/{clinic['id']}", json={"overdue_wait_minutes": 35, "address": "1 Nile St"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() | {} == clinic | {"overdue_wait_minutes": 35, "address": "1 Nile St"}
    assert client.get(f"/clinics/{clinic['id']}", headers=h).json()["overdue_wait_minutes"] == 35
    assert clinic["id"] in [c["id"] for c in client.get("/clinics", headers=h).json()]


def test_staff_read_their_own_clinic(client, db):
    clinic = make_clinic(db, timezone="Asia/Tokyo")
    me = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    r = client.get(f"/clinics/{clinic.id}", headers=auth(me))
    assert r.status_code == 200 and r.json()["timezone"] == "Asia/Tokyo"


def test_unused_clinic_can_be_deleted(client, db, h):
    clinic = make_clinic(db)
    r = client.delete(f"/clinics/{clinic.id}", headers=h)
    assert r.status_code == 200 and r.json()["id"] == clinic.id
    assert client.get(f"/clinics/{clinic.id}", headers=h).status_code == 404
    assert client.delete(f"/clinics/{clinic.id}", headers=h).status_code == 404


@pytest.mark.parametrize("referrer", ["user", "service", "patient"])
def test_clinic_in_use_is_not_deleted(client, db, h, referrer):
    clinic = make_clinic(db)
    if referrer == "user":
        make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    elif referrer == "service":
        make_service(db, clinic)
    else:
        make_patient(db, clinic)
    r = client.delete(f"/clinics/{clinic.id}", headers=h)
    assert r.status_code == 409
    assert r.json()["referenced_by"] == [referrer + "s"]
    assert client.get(f"/clinics/{clinic.id}", headers=h).status_code == 200


# --- users ---------------------------------------------------------------------------------------------------


def test_user_create_login_and_filters(client, db, h):
    a, b = make_clinic(db), make_clinic(db)
    body = {"username": unique("desk"), "password": "pw-123456", "full_name": "Desk A", "role": "RECEPTIONIST"}
    r = client.post("/users", json=body | {"clinic_id": a.id}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["role"] == "RECEPTIONIST" and created["clinic_id"] == a.id and created["is_active"]
    assert "password" not in created and "password_hash" not in created
    stored = db.get(User, created["id"])
    assert stored.password_hash != "pw-123456" and verify_password("pw-123456", stored.password_hash)
    login = client.post("/auth/login", json={"username": body["username"], "password": "pw-123456"})
    assert login.status_code == 200

    make_user(db, role=Role.RECEPTIONIST, clinic=b)
    doc = make_doctor(db, a, all_hours=False)
    in_a = client.get(f"/users?clinic_id={a.id}", headers=h).json()
    assert {u["id"] for u in in_a} == {created["id"], doc.user_id}
    doctors_in_a = client.get(f"/users?clinic_id={a.id}&role=DOCTOR", headers=h).json()
    assert [(u["id"], u["doctor_id"]) for u in doctors_in_a] == [(doc.user_id, doc.id)]
    assert client.get("/users?role=NURSE", headers=h).status_code == 422


def test_admin_user_has_no_clinic(client, h):
    body = {"username": unique("boss"), "password": "pw-123456", "full_name": "Boss", "role": "ADMIN"}
    r = client.post("/users", json=body, headers=h)
    assert r.status_code == 201 and r.json()["clinic_id"] is None


def test_user_update_password_name_and_role(client, db, h):
    clinic = make_clinic(db)
    user = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    r = client.patch(f"/users/{user.id}", json={"full_name": "New Name", "password": "another-pw"}, headers=h)
    assert r.status_code == 200 and r.json()["full_name"] == "New Name"
    assert client.post("/auth/login", json={"username": user.username, "password": PASSWORD}).status_code == 401
    assert client.post("/auth/login", json={"username": user.username, "password": "another-pw"}).status_code == 200
    # Promotion to admin unties the user from the clinic.
    r = client.patch(f"/users/{user.id}", json={"role": "ADMIN"}, headers=h)
    assert r.status_code == 200 and r.json()["role"] == "ADMIN" and r.json()["clinic_id"] is None
    # And back: a clinic is required again.
    r = client.patch(f"/users/{user.id}", json={"role": "RECEPTIONIST"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "clinic_id"
    r = client.patch(f"/users/{user.id}", json={"role": "RECEPTIONIST", "clinic_id": clinic.id}, headers=h)
    assert r.status_code == 200 and r.json()["clinic_id"] == clinic.id


def test_delete_user_deactivates_and_blocks_login(client, db, h):
    user = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    token = auth(user)
    r = client.delete(f"/users/{user.id}", headers=h)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert db.get(User, user.id) is not None  # the row stays
    assert client.post("/auth/login", json={"username": user.username, "password": PASSWORD}).status_code == 401
    assert client.get("/auth/me", headers=token).status_code == 401
    assert [u["id"] for u in client.get("/users?is_active=false", headers=h).json()] == [user.id]
    r = client.patch(f"/users/{user.id}", json={"is_active": True}, headers=h)
    assert r.json()["is_active"] is True
    assert client.post("/auth/login", json={"username": user.username, "password": PASSWORD}).status_code == 200


def test_admin_cannot_lock_themselves_out(client, db, admin, h):
    assert client.delete(f"/users/{admin.id}", headers=h).status_code == 409
    assert client.patch(f"/users/{admin.id}", json={"is_active": False}, headers=h).status_code == 409
    demote = {"role": "RECEPTIONIST", "clinic_id": make_clinic(db).id}
    assert client.patch(f"/users/{admin.id}", json=demote, headers=h).status_code == 409
    # Another admin may do it.
    other = make_user(db, role=Role.ADMIN)
    assert client.patch(f"/users/{admin.id}", json=demote, headers=auth(other)).status_code == 200
    assert client.get("/auth/me", headers=h).status_code == 401  # a new role ends the old sessions
    db.refresh(admin)
    assert client.get("/auth/me", headers=auth(admin)).json()["role"] == "RECEPTIONIST"


def test_doctor_user_keeps_role_and_clinic_of_its_profile(client, db, h):
    doctor = make_doctor(db, make_clinic(db), all_hours=False)
    other = make_clinic(db)
    r = client.patch(f"/users/{doctor.user_id}", json={"role": "RECEPTIONIST"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "role"
    r = client.patch(f"/users/{doctor.user_id}", json={"clinic_id": other.id}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "clinic_id"
    db.refresh(doctor.user)
    assert doctor.user.role == Role.DOCTOR and doctor.user.clinic_id == doctor.clinic_id


def test_create_admin_for_the_cli(db):
    name = unique("root")
    user = admin_service.create_admin(db, username=name, password="long-enough", full_name="Root")
    assert user.id is not None and user.role == Role.ADMIN and user.clinic_id is None and user.is_active
    assert verify_password("long-enough", user.password_hash)
    with pytest.raises(Conflict):
        admin_service.create_admin(db, username=name, password="long-enough", full_name="Root again")
    with pytest.raises(Conflict):
        admin_service.create_admin(db, username=name.upper(), password="long-enough", full_name="Case variant")
    with pytest.raises(InvalidInput) as bad:
        admin_service.create_admin(db, username=unique("root"), password="short", full_name="Root")
    assert bad.value.extra["field"] == "password"
    assert db.scalars(select(User).where(User.full_name.in_(["Root again", "Case variant"]))).all() == []


# --- doctors -------------------------------------------------------------------------------------------------


def test_create_doctor_with_a_new_user(client, db, h):
    clinic = make_clinic(db)
    username = unique("drnew")
    body = {
        "clinic_id": clinic.id,
        "user": {"username": username, "password": "doc-pass-1", "full_name": "Dr Amal"},
        "specialty": "Cardiology",
        "commission_rate": "0.6500",
    }
    r = client.post("/doctors", json=body, headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["full_name"] == "Dr Amal" and out["specialty"] == "Cardiology"
    assert out["commission_rate"] == "0.6500" and out["clinic_id"] == clinic.id and out["is_active"]
    user = db.get(User, out["user_id"])
    assert user.role == Role.DOCTOR and user.clinic_id == clinic.id and user.username == username
    login = client.post("/auth/login", json={"username": username, "password": "doc-pass-1"}).json()
    assert login["user"]["doctor_id"] == out["id"]
    me = client.get("/doctors/me", headers={"Authorization": f"Bearer {login['access_token']}"})
    assert me.json() == out


def test_create_doctor_for_an_existing_doctor_user(client, db, h):
    clinic = make_clinic(db)
    user = make_user(db, role=Role.DOCTOR, clinic=clinic, full_name="Dr Existing")
    r = client.post("/doctors", json={"clinic_id": clinic.id, "user_id": user.id, "phone": "+20 1"}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["user_id"] == user.id and r.json()["full_name"] == "Dr Existing"
    assert r.json()["commission_rate"] == "0.5000"  # the default
    again = client.post("/doctors", json={"clinic_id": clinic.id, "user_id": user.id}, headers=h)
    assert again.status_code == 409


def test_doctor_profile_lookup_by_user_id(client, db, h):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    make_doctor(db, clinic, all_hours=False)
    r = client.get(f"/doctors?user_id={doctor.user_id}", headers=h)
    assert [d["id"] for d in r.json()] == [doctor.id]
    assert client.get("/doctors?user_id=987654321", headers=h).json() == []
    # The lookup also finds an inactive profile (creating a second one would be refused).
    client.delete(f"/doctors/{doctor.id}", headers=h)
    assert [d["id"] for d in client.get(f"/doctors?user_id={doctor.user_id}", headers=h).json()] == [doctor.id]


def test_doctor_update_and_deactivate(client, db, h):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    body = {"full_name": "Dr Renamed", "commission_rate": "0.7", "specialty": "ENT"}
    r = client.patch(f"/doctors/{doctor.id}", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["full_name"] == "Dr Renamed" and r.json()["commission_rate"] == "0.7000"
    db.refresh(doctor)
    assert doctor.commission_rate == Decimal("0.7000") and doctor.user.full_name == "Dr Renamed"

    reception = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    assert [d["id"] for d in client.get("/doctors", headers=auth(reception)).json()] == [doctor.id]
    r = client.delete(f"/doctors/{doctor.id}", headers=h)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert client.get("/doctors", headers=auth(reception)).json() == []
    listed = client.get("/doctors?include_inactive=true", headers=auth(reception)).json()
    assert [d["id"] for d in listed] == [doctor.id]
    # The user can still log in; an inactive profile is refused at /doctors/me.
    assert client.get("/doctors/me", headers=auth(doctor.user)).status_code == 403


def test_schedule_put_replaces_the_whole_week(client, db, h):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=True)
    assert len(client.get(f"/doctors/{doctor.id}/schedule", headers=h).json()["slots"]) == 7 * 24
    week = [
        {"day_of_week": 2, "hour": 14, "is_available": True},
        {"day_of_week": 0, "hour": 9},
        {"day_of_week": 0, "hour": 8, "is_available": False},
    ]
    r = client.put(f"/doctors/{doctor.id}/schedule", json={"slots": week}, headers=h)
    assert r.status_code == 200, r.text
    expected = [
        {"day_of_week": 0, "hour": 8, "is_available": False},
        {"day_of_week": 0, "hour": 9, "is_available": True},
        {"day_of_week": 2, "hour": 14, "is_available": True},
    ]
    assert r.json() == {"doctor_id": doctor.id, "slots": expected}
    reception = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    assert client.get(f"/doctors/{doctor.id}/schedule", headers=auth(reception)).json()["slots"] == expected
    rows = db.scalars(select(DoctorSchedule).where(DoctorSchedule.doctor_id == doctor.id)).all()
    assert len(rows) == 3
    # Replacing with an overlapping week works (no unique-key clash) and an empty week clears it.
    r = client.put(f"/doctors/{doctor.id}/schedule", json={"slots": [{"day_of_week": 0, "hour": 9}]}, headers=h)
    assert r.json()["slots"] == [{"day_of_week": 0, "hour": 9, "is_available": True}]
    assert client.put(f"/doctors/{doctor.id}/schedule", json={"slots": []}, headers=h).json()["slots"] == []
    assert db.scalars(select(DoctorSchedule).where(DoctorSchedule.doctor_id == doctor.id)).all() == []


# --- services ------------------------------------------------------------------------------------------------


def test_service_crud(client, db, h):
    clinic = make_clinic(db)
    body = {"clinic_id": clinic.id, "name": "X-ray", "price": "120.50", "duration_minutes": 15}
    r = client.post("/services", json=body, headers=h)
    assert r.status_code == 201, r.text
    service = r.json()
    assert service["price"] == "120.50" and service["doctor_share_rate"] is None and service["is_active"]
    r = client.patch(f"/services/{service['id']}", json={"doctor_share_rate": "0.3000", "price": 99}, headers=h)
    assert r.json()["doctor_share_rate"] == "0.3000" and r.json()["price"] == "99.00"
    # Back to null: the doctor's commission applies again.
    r = client.patch(f"/services/{service['id']}", json={"doctor_share_rate": None}, headers=h)
    assert r.status_code == 200 and r.json()["doctor_share_rate"] is None
    stored = db.get(Service, service["id"])
    assert stored.price == Decimal("99.00") and stored.doctor_share_rate is None

    reception = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    assert [s["id"] for s in client.get("/services", headers=auth(reception)).json()] == [service["id"]]
    r = client.delete(f"/services/{service['id']}", headers=h)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert db.get(Service, service["id"]) is not None
    assert client.get("/services", headers=auth(reception)).json() == []
    assert client.get(f"/services/{service['id']}", headers=auth(reception)).json()["is_active"] is False
    listed = client.get(f"/services?clinic_id={clinic.id}&include_inactive=true", headers=h).json()
    assert [s["id"] for s in listed] == [service["id"]]


def test_admin_lists_filter_by_clinic(client, db, h):
    a, b = make_clinic(db), make_clinic(db)
    sa, sb = make_service(db, a), make_service(db, b)
    da, db_ = make_doctor(db, a, all_hours=False), make_doctor(db, b, all_hours=False)
    assert [s["id"] for s in client.get(f"/services?clinic_id={a.id}", headers=h).json()] == [sa.id]
    assert [d["id"] for d in client.get(f"/doctors?clinic_id={b.id}", headers=h).json()] == [db_.id]
    everything = client.get("/services", headers=h).json()
    assert {sa.id, sb.id} <= {s["id"] for s in everything}
    assert da.id in {d["id"] for d in client.get("/doctors", headers=h).json()}


# --- OpenAPI -------------------------------------------------------------------------------------------------


def test_every_admin_response_has_a_named_schema(app):
    spec = app.api.openapi()
    prefixes = ("/clinics", "/users", "/doctors", "/services")
    ours = {p: ops for p, ops in spec["paths"].items() if p.startswith(prefixes)}
    assert "/doctors/me" in ours and "/doctors/{doctor_id}/schedule" in ours
    for path, ops in ours.items():
        for method, op in ops.items():
            ok = next(code for code in op["responses"] if code.startswith("2"))
            schema = op["responses"][ok]["content"]["application/json"]["schema"]
            ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
            assert ref and ref.startswith("#/components/schemas/"), (method, path, schema)
            if "requestBody" in op:
                body = op["requestBody"]["content"]["application/json"]["schema"]
                assert "$ref" in body, (method, path, body)


def test_doctor_model_relationship_loaded_for_output(db):
    # DoctorOut.full_name comes from the user; make sure the ORM gives it without an extra query per row.
    doctor = make_doctor(db, make_clinic(db), all_hours=False, full_name="Dr Loaded")
    db.expunge_all()
    loaded = db.scalar(select(Doctor).where(Doctor.id == doctor.id))
    db.expunge(loaded)
    assert loaded.full_name == "Dr Loaded"
