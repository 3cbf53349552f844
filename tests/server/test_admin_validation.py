"""Bad input to the admin API: 422/404/409 naming the field, and the database unchanged afterwards."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from common.enums import Role
from server.models import Clinic, DisplayToken, Doctor, DoctorSchedule, Service, User
from tests.factories import auth, make_clinic, make_doctor, make_service, make_user, unique

MISSING_ID = 2_000_000_000


def _counts(db) -> dict[str, int]:
    models = (Clinic, User, Doctor, Service, DisplayToken)
    return {m.__name__: db.scalar(select(func.count()).select_from(m)) for m in models} | {
        "DoctorSchedule": db.scalar(select(func.count()).select_from(DoctorSchedule))
    }


def _names_field(response, field: str) -> bool:
    """The body names the field: pydantic's `loc` or the service's `field`."""
    body = response.json()
    if body.get("field") == field:
        return True
    detail = body.get("detail")
    if isinstance(detail, list):
        return any(field in [str(p) for p in err.get("loc", [])] or field in err.get("msg", "") for err in detail)
    return field in str(detail)


@pytest.fixture
def env(db):
    clinic, other = make_clinic(db), make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    return {
        "h": auth(make_user(db, role=Role.ADMIN)),
        "clinic": clinic,
        "other": other,
        "doctor": doctor,
        "service": make_service(db, clinic, price="50.00"),
        "receptionist": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor_user_other_clinic": make_user(db, role=Role.DOCTOR, clinic=other),
        "taken": make_user(db, role=Role.RECEPTIONIST, clinic=clinic, username=unique("taken")),
    }


def _user(**kw):
    """A valid /users body with overrides; an override of None drops the field."""
    body = {"username": unique("new"), "password": "secret123", "full_name": "Someone", "role": "RECEPTIONIST"} | kw
    return {k: v for k, v in body.items() if v is not None}


def _doctor_user(**kw):
    return {"username": unique("drnew"), "password": "secret123", "full_name": "Dr New"} | kw


# (name, method, url template, body factory, expected status, field the body must name)
CASES = [
    # clinics
    ("clinic-missing-name", "POST", "/clinics", lambda e: {"timezone": "UTC"}, 422, "name"),
    ("clinic-blank-name", "POST", "/clinics", lambda e: {"name": "   "}, 422, "name"),
    ("clinic-bad-timezone", "POST", "/clinics", lambda e: {"name": "X", "timezone": "Mars/Olympus"}, 422, "timezone"),
    ("clinic-zero-overdue", "POST", "/clinics", lambda e: {"name": "X", "overdue_wait_minutes": 0}, 422,
     "overdue_wait_minutes"),
    ("clinic-overdue-not-int", "POST", "/clinics", lambda e: {"name": "X", "overdue_wait_minutes": "soon"}, 422,
     "overdue_wait_minutes"),
    ("clinic-patch-null-name", "PATCH", "/clinics/{clinic}", lambda e: {"name": None}, 422, "name"),
    ("clinic-patch-bad-timezone", "PATCH", "/clinics/{clinic}", lambda e: {"timezone": "Nowhere"}, 422, "timezone"),
    ("clinic-patch-unknown", "PATCH", f"/clinics/{MISSING_ID}", lambda e: {"name": "X"}, 404, None),
    ("clinic-delete-in-use", "DELETE", "/clinics/{clinic}", None, 409, None),
    ("clinic-id-not-int", "GET", "/clinics/abc", None, 422, "clinic_id"),
    # users
    ("user-missing-password", "POST", "/users", lambda e: _user(password=None, clinic_id=e["clinic"].id), 422,
     "password"),
    ("user-short-password", "POST", "/users", lambda e: _user(password="123", clinic_id=e["clinic"].id), 422,
     "password"),
    ("user-short-username", "POST", "/users", lambda e: _user(username="ab", clinic_id=e["clinic"].id), 422,
     "username"),
    ("user-bad-role", "POST", "/users", lambda e: _user(role="NURSE", clinic_id=e["clinic"].id), 422, "role"),
    ("user-staff-without-clinic", "POST", "/users", lambda e: _user(), 422, "clinic_id"),
    ("user-unknown-clinic", "POST", "/users", lambda e: _user(clinic_id=MISSING_ID), 422, "clinic_id"),
    ("user-clinic-not-int", "POST", "/users", lambda e: _user(clinic_id="first"), 422, "clinic_id"),
    ("user-admin-with-clinic", "POST", "/users", lambda e: _user(role="ADMIN", clinic_id=e["clinic"].id), 422,
     "clinic_id"),
    ("user-username-taken", "POST", "/users", lambda e: _user(username=e["taken"].username,
                                                               clinic_id=e["clinic"].id), 409, "username"),
    ("user-username-taken-other-case", "POST", "/users",
     lambda e: _user(username=e["taken"].username.upper(), clinic_id=e["clinic"].id), 409, "username"),
    ("user-patch-unknown-clinic", "PATCH", "/users/{receptionist}", lambda e: {"clinic_id": MISSING_ID}, 422,
     "clinic_id"),
    ("user-patch-null-name", "PATCH", "/users/{receptionist}", lambda e: {"full_name": None}, 422, "full_name"),
    ("user-patch-null-active", "PATCH", "/users/{receptionist}", lambda e: {"is_active": None}, 422, "is_active"),
    ("user-patch-unknown", "PATCH", f"/users/{MISSING_ID}", lambda e: {"full_name": "X"}, 404, None),
    ("user-delete-unknown", "DELETE", f"/users/{MISSING_ID}", None, 404, None),
    # doctors
    ("doctor-rate-above-one", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user": _doctor_user(), "commission_rate": "1.5"}, 422,
     "commission_rate"),
    ("doctor-rate-negative", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user": _doctor_user(), "commission_rate": -0.1}, 422,
     "commission_rate"),
    ("doctor-rate-too-precise", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user": _doctor_user(), "commission_rate": "0.123456"}, 422,
     "commission_rate"),
    ("doctor-neither-user-nor-user_id", "POST", "/doctors", lambda e: {"clinic_id": e["clinic"].id}, 422, "user_id"),
    ("doctor-both-user-and-user_id", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user": _doctor_user(), "user_id": e["receptionist"].id}, 422,
     "user_id"),
    ("doctor-missing-clinic", "POST", "/doctors", lambda e: {"user": _doctor_user()}, 422, "clinic_id"),
    ("doctor-unknown-clinic", "POST", "/doctors", lambda e: {"clinic_id": MISSING_ID, "user": _doctor_user()}, 422,
     "clinic_id"),
    ("doctor-unknown-user", "POST", "/doctors", lambda e: {"clinic_id": e["clinic"].id, "user_id": MISSING_ID}, 422,
     "user_id"),
    ("doctor-user-not-doctor-role", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user_id": e["receptionist"].id}, 422, "user_id"),
    ("doctor-user-other-clinic", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user_id": e["doctor_user_other_clinic"].id}, 422, "user_id"),
    ("doctor-user-has-profile", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user_id": e["doctor"].user_id}, 409, "user_id"),
    ("doctor-new-user-username-taken", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user": _doctor_user(username=e["taken"].username)}, 409, "username"),
    ("doctor-new-user-short-password", "POST", "/doctors",
     lambda e: {"clinic_id": e["clinic"].id, "user": _doctor_user(password="x")}, 422, "password"),
    ("doctor-patch-rate", "PATCH", "/doctors/{doctor}", lambda e: {"commission_rate": "1.0001"}, 422,
     "commission_rate"),
    ("doctor-patch-null-specialty", "PATCH", "/doctors/{doctor}", lambda e: {"specialty": None}, 422, "specialty"),
    ("doctor-patch-unknown", "PATCH", f"/doctors/{MISSING_ID}", lambda e: {"specialty": "X"}, 404, None),
    ("doctor-get-unknown", "GET", f"/doctors/{MISSING_ID}", None, 404, None),
    # schedules
    ("schedule-duplicate-slot", "PUT", "/doctors/{doctor}/schedule",
     lambda e: {"slots": [{"day_of_week": 1, "hour": 9}, {"day_of_week": 2, "hour": 9},
                          {"day_of_week": 1, "hour": 9, "is_available": False}]}, 422, "slots"),
    ("schedule-hour-24", "PUT", "/doctors/{doctor}/schedule", lambda e: {"slots": [{"day_of_week": 1, "hour": 24}]},
     422, "hour"),
    ("schedule-day-7", "PUT", "/doctors/{doctor}/schedule", lambda e: {"slots": [{"day_of_week": 7, "hour": 9}]},
     422, "day_of_week"),
    ("schedule-missing-slots", "PUT", "/doctors/{doctor}/schedule", lambda e: {}, 422, "slots"),
    ("schedule-unknown-doctor", "PUT", f"/doctors/{MISSING_ID}/schedule", lambda e: {"slots": []}, 404, None),
    ("schedule-get-unknown-doctor", "GET", f"/doctors/{MISSING_ID}/schedule", None, 404, None),
    # services
    ("service-negative-price", "POST", "/services",
     lambda e: {"clinic_id": e["clinic"].id, "name": "X", "price": "-0.01"}, 422, "price"),
    ("service-price-not-a-number", "POST", "/services",
     lambda e: {"clinic_id": e["clinic"].id, "name": "X", "price": "cheap"}, 422, "price"),
    ("service-price-too-precise", "POST", "/services",
     lambda e: {"clinic_id": e["clinic"].id, "name": "X", "price": "1.001"}, 422, "price"),
    ("service-missing-price", "POST", "/services", lambda e: {"clinic_id": e["clinic"].id, "name": "X"}, 422,
     "price"),
    ("service-rate-above-one", "POST", "/services",
     lambda e: {"clinic_id": e["clinic"].id, "name": "X", "price": "10", "doctor_share_rate": "1.2"}, 422,
     "doctor_share_rate"),
    ("service-zero-duration", "POST", "/services",
     lambda e: {"clinic_id": e["clinic"].id, "name": "X", "price": "10", "duration_minutes": 0}, 422,
     "duration_minutes"),
    ("service-unknown-clinic", "POST", "/services", lambda e: {"clinic_id": MISSING_ID, "name": "X", "price": "10"},
     422, "clinic_id"),
    ("service-patch-negative-price", "PATCH", "/services/{service}", lambda e: {"price": -5}, 422, "price"),
    ("service-patch-null-price", "PATCH", "/services/{service}", lambda e: {"price": None}, 422, "price"),
    ("service-patch-unknown", "PATCH", f"/services/{MISSING_ID}", lambda e: {"price": 5}, 404, None),
    ("service-delete-unknown", "DELETE", f"/services/{MISSING_ID}", None, 404, None),
    # waiting-room display tokens
    ("display-token-missing-name", "POST", "/display-tokens", lambda e: {"clinic_id": e["clinic"].id}, 422, "name"),
    ("display-token-blank-name", "POST", "/display-tokens", lambda e: {"clinic_id": e["clinic"].id, "name": "  "},
     422, "name"),
    ("display-token-long-name", "POST", "/display-tokens", lambda e: {"clinic_id": e["clinic"].id, "name": "x" * 500},
     422, "name"),
    ("display-token-unknown-clinic", "POST", "/display-tokens", lambda e: {"clinic_id": MISSING_ID, "name": "TV"},
     422, "clinic_id"),
    ("display-token-clinic-not-int", "POST", "/display-tokens", lambda e: {"clinic_id": "one", "name": "TV"}, 422,
     "clinic_id"),
    ("display-token-list-clinic-not-int", "GET", "/display-tokens?clinic_id=abc", None, 422, "clinic_id"),
    ("display-token-revoke-unknown", "DELETE", f"/display-tokens/{MISSING_ID}", None, 404, None),
    ("display-token-revoke-not-int", "DELETE", "/display-tokens/abc", None, 422, "token_id"),
]  # fmt: skip


def _snapshot(db, env) -> tuple:
    """Row counts plus the values of the rows a refused PATCH/PUT/DELETE aimed at."""
    db.expire_all()
    clinic, receptionist = db.get(Clinic, env["clinic"].id), db.get(User, env["receptionist"].id)
    doctor, service = db.get(Doctor, env["doctor"].id), db.get(Service, env["service"].id)
    schedule = db.scalars(select(DoctorSchedule.day_of_week).where(DoctorSchedule.doctor_id == doctor.id)).all()
    return (
        _counts(db),
        (clinic.name, clinic.timezone),
        (receptionist.full_name, receptionist.clinic_id, receptionist.is_active),
        (doctor.specialty, doctor.commission_rate),
        (service.price, service.is_active),
        sorted(schedule),
    )


@pytest.mark.parametrize(("name", "method", "url", "body", "status", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_changes(client, db, env, name, method, url, body, status, field):
    ids = {k: v.id for k, v in env.items() if hasattr(v, "id")}
    before = _snapshot(db, env)
    payload = body(env) if body else None
    r = client.request(method, url.format(**ids), json=payload, headers=env["h"])
    assert r.status_code == status, r.text
    if field is not None:
        assert _names_field(r, field), r.text
    assert _snapshot(db, env) == before


def test_failed_doctor_creation_leaves_no_orphan_user(client, db, env):
    """The user of `user` and the profile are one transaction: a refused profile leaves no user behind."""
    username = unique("orphan")
    body = {"clinic_id": MISSING_ID, "user": _doctor_user(username=username)}
    assert client.post("/doctors", json=body, headers=env["h"]).status_code == 422
    assert db.scalar(select(User).where(User.username == username)) is None
    body["clinic_id"] = env["clinic"].id
    r = client.post("/doctors", json=body, headers=env["h"])
    assert r.status_code == 201, r.text


def test_schedule_refused_keeps_the_old_week(client, db, env):
    doctor = env["doctor"]
    week = {"slots": [{"day_of_week": 3, "hour": 10}, {"day_of_week": 3, "hour": 11}]}
    assert client.put(f"/doctors/{doctor.id}/schedule", json=week, headers=env["h"]).status_code == 200
    bad = {"slots": [{"day_of_week": 4, "hour": 10}, {"day_of_week": 4, "hour": 10}]}
    assert client.put(f"/doctors/{doctor.id}/schedule", json=bad, headers=env["h"]).status_code == 422
    slots = client.get(f"/doctors/{doctor.id}/schedule", headers=env["h"]).json()["slots"]
    assert [(s["day_of_week"], s["hour"]) for s in slots] == [(3, 10), (3, 11)]


def test_money_and_rates_are_exact_decimals(client, db, env):
    body = {"clinic_id": env["clinic"].id, "name": "Precise", "price": "0.10", "doctor_share_rate": "0.3333"}
    r = client.post("/services", json=body, headers=env["h"])
    assert r.status_code == 201
    stored = db.get(Service, r.json()["id"])
    assert stored.price == Decimal("0.10") and stored.doctor_share_rate == Decimal("0.3333")
