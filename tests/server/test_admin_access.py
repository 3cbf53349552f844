"""Role matrix for every admin route: ADMIN allowed; RECEPTIONIST and DOCTOR refused writes (403) and another
clinic's rows (404) but may read their own clinic's doctors, schedules and services; no token → 401."""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from common.enums import Role
from server.api.routes import clinics, doctors, services, users
from server.models import Clinic, Doctor, DoctorSchedule, Service, User
from tests.factories import auth, make_clinic, make_doctor, make_service, make_user, unique

MY_ROUTERS = (clinics.router, users.router, doctors.router, services.router)


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    users: dict[str, User]


@pytest.fixture
def world(db) -> World:
    a, b, empty = make_clinic(db), make_clinic(db), make_clinic(db)
    doctor_a = make_doctor(db, a, all_hours=False)
    doctor_b = make_doctor(db, b, all_hours=False)
    victim = make_user(db, role=Role.RECEPTIONIST, clinic=a)
    spare_doctor_user = make_user(db, role=Role.DOCTOR, clinic=a)
    ids = {
        "clinic_a": a.id,
        "clinic_b": b.id,
        "empty_clinic": empty.id,
        "doctor_a": doctor_a.id,
        "doctor_b": doctor_b.id,
        "service_a": make_service(db, a).id,
        "service_b": make_service(db, b).id,
        "victim": victim.id,
        "spare_doctor_user": spare_doctor_user.id,
    }
    users = {
        "ADMIN": make_user(db, role=Role.ADMIN),
        "RECEPTIONIST": make_user(db, role=Role.RECEPTIONIST, clinic=a),
        "DOCTOR": doctor_a.user,
    }
    return World(ids, users)


# kind: "write" (admin only) | "admin_read" (admin only) | "own" (staff of clinic A may read) | "other" (clinic B)
@dataclass(frozen=True)
class Case:
    method: str
    path: str  # a route template with {names} from World.ids (or the route's own path when it has none)
    kind: str
    url: str = ""  # the concrete URL when it differs from path (query strings, other ids)
    body: Any = None


def _new_user_body(ids: dict[str, int]) -> dict[str, Any]:
    return {"username": unique("u"), "password": "secret123", "full_name": "New Person", "role": "RECEPTIONIST",
            "clinic_id": ids["clinic_a"]}  # fmt: skip


CASES = [
    # clinics
    Case("GET", "/clinics", "admin_read"),
    Case("POST", "/clinics", "write", body=lambda ids: {"name": unique("Clinic"), "timezone": "Europe/Berlin"}),
    Case("GET", "/clinics/{clinic_id}", "own", url="/clinics/{clinic_a}"),
    Case("GET", "/clinics/{clinic_id}", "other", url="/clinics/{clinic_b}"),
    Case("PATCH", "/clinics/{clinic_id}", "write", url="/clinics/{clinic_a}", body=lambda ids: {"phone": "123"}),
    Case("DELETE", "/clinics/{clinic_id}", "write", url="/clinics/{empty_clinic}"),
    # users
    Case("GET", "/users", "admin_read"),
    Case("GET", "/users", "admin_read", url="/users?clinic_id={clinic_a}&role=DOCTOR"),
    Case("POST", "/users", "write", body=_new_user_body),
    Case("GET", "/users/{user_id}", "admin_read", url="/users/{victim}"),
    Case("PATCH", "/users/{user_id}", "write", url="/users/{victim}", body=lambda ids: {"full_name": "Renamed"}),
    Case("DELETE", "/users/{user_id}", "write", url="/users/{victim}"),
    # doctors
    Case("GET", "/doctors", "own"),
    Case("GET", "/doctors", "own", url="/doctors?clinic_id={clinic_a}&include_inactive=true"),
    Case("GET", "/doctors", "other", url="/doctors?clinic_id={clinic_b}"),
    Case(
        "POST",
        "/doctors",
        "write",
        body=lambda ids: {
            "clinic_id": ids["clinic_a"],
            "user": {"username": unique("dr"), "password": "secret123", "full_name": "Dr New"},
            "commission_rate": "0.4000",
        },
    ),
    Case(
        "POST",
        "/doctors",
        "write",
        url="/doctors",
        body=lambda ids: {"clinic_id": ids["clinic_a"], "user_id": ids["spare_doctor_user"]},
    ),
    Case("GET", "/doctors/{doctor_id}", "own", url="/doctors/{doctor_a}"),
    Case("GET", "/doctors/{doctor_id}", "other", url="/doctors/{doctor_b}"),
    Case("PATCH", "/doctors/{doctor_id}", "write", url="/doctors/{doctor_a}", body=lambda ids: {"specialty": "ENT"}),
    Case("DELETE", "/doctors/{doctor_id}", "write", url="/doctors/{doctor_a}"),
    Case("GET", "/doctors/{doctor_id}/schedule", "own", url="/doctors/{doctor_a}/schedule"),
    Case("GET", "/doctors/{doctor_id}/schedule", "other", url="/doctors/{doctor_b}/schedule"),
    Case(
        "PUT",
        "/doctors/{doctor_id}/schedule",
        "write",
        url="/doctors/{doctor_a}/schedule",
        body=lambda ids: {"slots": [{"day_of_week": 0, "hour": 9}, {"day_of_week": 0, "hour": 10}]},
    ),
    # services
    Case("GET", "/services", "own"),
    Case("GET", "/services", "other", url="/services?clinic_id={clinic_b}"),
    Case(
        "POST",
        "/services",
        "write",
        body=lambda ids: {"clinic_id": ids["clinic_a"], "name": unique("X-ray"), "price": "80.00"},
    ),
    Case("GET", "/services/{service_id}", "own", url="/services/{service_a}"),
    Case("GET", "/services/{service_id}", "other", url="/services/{service_b}"),
    Case("PATCH", "/services/{service_id}", "write", url="/services/{service_a}", body=lambda ids: {"price": "1.50"}),
    Case("DELETE", "/services/{service_id}", "write", url="/services/{service_a}"),
]


def _case_id(case: Case) -> str:
    return f"{case.method} {case.url or case.path} [{case.kind}]"


def _send(client, world: World, case: Case, headers: dict[str, str]):
    url = (case.url or case.path).format(**world.ids)
    body = case.body(world.ids) if case.body else None
    return client.request(case.method, url, json=body, headers=headers)


def _row_counts(db) -> dict[str, int]:
    return {m.__name__: db.scalar(select(func.count()).select_from(m)) for m in (Clinic, User, Doctor, Service)} | {
        "DoctorSchedule": db.scalar(select(func.count()).select_from(DoctorSchedule)),
        "active_users": db.scalar(select(func.count()).select_from(User).where(User.is_active)),
        "active_doctors": db.scalar(select(func.count()).select_from(Doctor).where(Doctor.is_active)),
        "active_services": db.scalar(select(func.count()).select_from(Service).where(Service.is_active)),
    }


def test_every_admin_route_is_in_the_matrix(app):
    declared = {
        (method, route.path)
        for router in MY_ROUTERS
        for route in router.routes
        # /doctors/me is doctor-only (tested below); free slots are for every staff role (test_authorization_matrix)
        if isinstance(route, APIRoute) and route.path not in {"/doctors/me", "/doctors/{doctor_id}/free-slots"}
        for method in route.methods
    }
    assert declared == {(c.method, c.path) for c in CASES}
    # ...and the app really serves them.
    served = {(m.upper(), path) for path, ops in app.api.openapi()["paths"].items() for m in ops}
    assert declared <= served


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_admin_may_do_everything(client, world, case):
    r = _send(client, world, case, auth(world.users["ADMIN"]))
    assert r.is_success, r.text


@pytest.mark.parametrize("role", ["RECEPTIONIST", "DOCTOR"])
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_staff_access(client, db, world, case, role):
    before = _row_counts(db)
    r = _send(client, world, case, auth(world.users[role]))
    expected = {"write": 403, "admin_read": 403, "own": 200, "other": 404}[case.kind]
    assert r.status_code == expected, r.text
    assert _row_counts(db) == before


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_no_token_is_401(client, db, world, case):
    before = _row_counts(db)
    r = _send(client, world, case, {})
    assert r.status_code == 401, r.text
    assert _row_counts(db) == before


def test_staff_lists_show_only_their_own_clinic(client, db, world):
    for role in ("RECEPTIONIST", "DOCTOR"):
        headers = auth(world.users[role])
        doctors = client.get("/doctors", headers=headers).json()
        services = client.get("/services", headers=headers).json()
        assert [d["id"] for d in doctors] == [world.ids["doctor_a"]]
        assert [s["id"] for s in services] == [world.ids["service_a"]]
    admin = auth(world.users["ADMIN"])
    all_doctors = {d["id"] for d in client.get("/doctors", headers=admin).json()}
    assert {world.ids["doctor_a"], world.ids["doctor_b"]} <= all_doctors


@pytest.mark.parametrize(
    ("role", "expected"),
    [("DOCTOR", 200), ("RECEPTIONIST", 403), ("ADMIN", 403), (None, 401)],
)
def test_doctors_me(client, world, role, expected):
    headers = auth(world.users[role]) if role else {}
    r = client.get("/doctors/me", headers=headers)
    assert r.status_code == expected, r.text
    if expected == 200:
        assert r.json()["id"] == world.ids["doctor_a"]
        assert r.json()["full_name"] == world.users["DOCTOR"].full_name


def test_doctors_me_without_a_profile_is_a_clear_403(client, db, world):
    lonely = make_user(db, role=Role.DOCTOR, clinic=db.get(Clinic, world.ids["clinic_a"]))
    r = client.get("/doctors/me", headers=auth(lonely))
    assert r.status_code == 403
    assert r.json()["detail"] == "this user has no doctor profile"
