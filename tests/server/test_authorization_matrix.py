# ruff: noqa: E501  (the EXPECT table reads best one route per line)
"""The authorization matrix, generated from /openapi.json: every route the app serves × every kind of caller.

Callers: an admin; the desk (a receptionist of clinic 1); `doctor`, the doctor the target rows belong to;
`colleague`, another doctor of clinic 1 (a foreign doctor); `other_desk` and `other_doctor` of clinic 2 (a
foreign clinic); and no token, a forged token, an expired token. The target rows are clinic 1's.

Each served route must have an entry in EXPECT: the test is parametrized by the routes in the OpenAPI document,
so a route added tomorrow fails here until someone writes down who may call it. Each call runs in its own
rolled-back savepoint, so callers do not see each other's writes. A 404 must be exactly the answer for a missing
id (same status and body), so another clinic's ids reveal nothing.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy.orm import Session

from common.enums import PaymentStatus, Role, VisitStatus
from server.core.config import get_settings
from server.main import create_app
from server.models import Appointment, DisplayToken
from server.services.display import hash_token
from tests.factories import (
    PASSWORD,
    make_clinic,
    make_doctor,
    make_patient,
    make_payment,
    make_service,
    make_user,
    make_visit,
    token_for,
    unique,
)

OK = "2xx"
CALLERS = ("admin", "desk", "doctor", "colleague", "other_desk", "other_doctor")
BAD_TOKENS = ("none", "forged", "expired")
MISSING = 2_000_000_000
SLOT = (datetime.now(UTC) + timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)


def rule(admin: Any, desk: Any, doctor: Any, colleague: Any, other_desk: Any, other_doctor: Any) -> dict[str, Any]:
    return dict(zip(CALLERS, (admin, desk, doctor, colleague, other_desk, other_doctor), strict=True))


# Who may call what, in the shapes that recur (the callers' order: admin, desk, doctor, colleague, other_desk,
# other_doctor). "Role" refusals (403) come before any row is read; rows of clinic 1 answer 404 to clinic 2.
ANYONE = rule(OK, OK, OK, OK, OK, OK)
ADMIN_ONLY = rule(OK, 403, 403, 403, 403, 403)
DOCTORS_OWN = rule(403, 403, OK, OK, 403, OK)  # the caller's own doctor portal
CLINIC_ROW = rule(OK, OK, OK, OK, 404, 404)  # a row of the whole clinic (doctors, services, the clinic, lists)
DOCTORS_ROW = rule(OK, OK, OK, 403, 404, 404)  # a row of `doctor` (visit, appointment, patient, history)
DESK_WORK = rule(OK, OK, 403, 403, 404, 403)  # front-desk routes (ReceptionUser) on clinic 1's rows

W = dict[str, int]
Body = Callable[[W], Any] | None


@dataclass(frozen=True)
class Case:
    path: str  # the concrete path, with {names} from the world
    expect: dict[str, Any]
    body: Body = None
    params: dict[str, Any] = field(default_factory=dict)  # with {names} from the world
    public: bool = False  # no bearer token needed: every caller, and every bad token, gets the same answer
    refresh: bool = False  # the body needs a fresh refresh token (the desk's, from a login in the same call)


EXPECT: dict[tuple[str, str], Case] = {
    # auth and meta
    ("POST", "/auth/login"): Case(
        "/auth/login", ANYONE, lambda w: {"username": w["desk_name"], "password": PASSWORD}, public=True
    ),
    ("POST", "/auth/refresh"): Case(
        "/auth/refresh", ANYONE, lambda w: {"refresh_token": w["refresh"]}, public=True, refresh=True
    ),
    ("GET", "/auth/me"): Case("/auth/me", ANYONE),
    ("GET", "/health"): Case("/health", ANYONE, public=True),
    # clinics, users (admin)
    ("GET", "/clinics"): Case("/clinics", ADMIN_ONLY),
    ("POST", "/clinics"): Case("/clinics", ADMIN_ONLY, lambda w: {"name": unique("Clinic")}),
    ("GET", "/clinics/{clinic_id}"): Case("/clinics/{clinic}", CLINIC_ROW),
    ("PATCH", "/clinics/{clinic_id}"): Case("/clinics/{clinic}", ADMIN_ONLY, lambda w: {"phone": "123"}),
    ("DELETE", "/clinics/{clinic_id}"): Case("/clinics/{empty_clinic}", ADMIN_ONLY),
    ("GET", "/users"): Case("/users", ADMIN_ONLY),
    ("POST", "/users"): Case(
        "/users",
        ADMIN_ONLY,
        lambda w: {
            "username": unique("u"),
            "password": PASSWORD,
            "full_name": "New",
            "role": "RECEPTIONIST",
            "clinic_id": w["clinic"],
        },
    ),
    ("GET", "/users/{user_id}"): Case("/users/{spare_user}", ADMIN_ONLY),
    ("PATCH", "/users/{user_id}"): Case("/users/{spare_user}", ADMIN_ONLY, lambda w: {"full_name": "Renamed"}),
    ("DELETE", "/users/{user_id}"): Case("/users/{spare_user}", ADMIN_ONLY),
    # doctors, schedules, services
    ("GET", "/doctors/me"): Case("/doctors/me", DOCTORS_OWN),
    ("GET", "/doctors"): Case("/doctors", CLINIC_ROW, params={"clinic_id": "{clinic}"}),
    ("POST", "/doctors"): Case(
        "/doctors",
        ADMIN_ONLY,
        lambda w: {
            "clinic_id": w["clinic"],
            "user": {"username": unique("dr"), "password": PASSWORD, "full_name": "Dr New"},
        },
    ),
    ("GET", "/doctors/{doctor_id}"): Case("/doctors/{doctor}", CLINIC_ROW),
    ("PATCH", "/doctors/{doctor_id}"): Case("/doctors/{doctor}", ADMIN_ONLY, lambda w: {"specialty": "ENT"}),
    ("DELETE", "/doctors/{doctor_id}"): Case("/doctors/{doctor}", ADMIN_ONLY),
    ("GET", "/doctors/{doctor_id}/schedule"): Case("/doctors/{doctor}/schedule", CLINIC_ROW),
    ("GET", "/doctors/{doctor_id}/free-slots"): Case(
        "/doctors/{doctor}/free-slots", DOCTORS_ROW, params={"date": SLOT.date().isoformat(), "service_id": "{service}"}
    ),
    ("PUT", "/doctors/{doctor_id}/schedule"): Case(
        "/doctors/{doctor}/schedule", ADMIN_ONLY, lambda w: {"slots": [{"day_of_week": 0, "hour": 9}]}
    ),
    ("GET", "/services"): Case("/services", CLINIC_ROW, params={"clinic_id": "{clinic}"}),
    ("POST", "/services"): Case(
        "/services", ADMIN_ONLY, lambda w: {"clinic_id": w["clinic"], "name": unique("X-ray"), "price": "80.00"}
    ),
    ("GET", "/services/{service_id}"): Case("/services/{service}", CLINIC_ROW),
    ("PATCH", "/services/{service_id}"): Case("/services/{service}", ADMIN_ONLY, lambda w: {"price": "1.50"}),
    ("DELETE", "/services/{service_id}"): Case("/services/{service}", ADMIN_ONLY),
    # the doctor portal
    ("GET", "/doctors/earnings"): Case("/doctors/earnings", DOCTORS_OWN),
    ("GET", "/doctors/patients"): Case("/doctors/patients", DOCTORS_OWN),
    ("GET", "/dashboard/doctor"): Case("/dashboard/doctor", DOCTORS_OWN),
    ("GET", "/dashboard/doctor/appointments"): Case("/dashboard/doctor/appointments", DOCTORS_OWN),
    # patients
    ("GET", "/patients"): Case("/patients", DESK_WORK, params={"clinic_id": "{clinic}"}),
    ("POST", "/patients"): Case(
        "/patients", DESK_WORK, lambda w: {"full_name": "New Patient", "clinic_id": w["clinic"]}
    ),
    ("GET", "/patients/{patient_id}"): Case("/patients/{patient}", DOCTORS_ROW),
    ("PATCH", "/patients/{patient_id}"): Case("/patients/{patient}", DESK_WORK, lambda w: {"phone": "+1 555 0100"}),
    ("GET", "/patients/{patient_id}/history/{doctor_id}"): Case("/patients/{patient}/history/{doctor}", DOCTORS_ROW),
    # appointments
    ("GET", "/appointments"): Case("/appointments", CLINIC_ROW, params={"clinic_id": "{clinic}"}),
    ("POST", "/appointments"): Case(  # a doctor books a follow-up for themselves, with one of their patients
        "/appointments",
        DOCTORS_ROW,
        lambda w: {
            "patient_id": w["patient"],
            "doctor_id": w["doctor"],
            "service_id": w["service"],
            "start_time": SLOT.isoformat(),
        },
    ),
    ("GET", "/appointments/{appointment_id}"): Case("/appointments/{appointment}", DOCTORS_ROW),
    ("GET", "/appointments/{appointment_id}/timeline"): Case("/appointments/{appointment}/timeline", DOCTORS_ROW),
    ("PATCH", "/appointments/{appointment_id}"): Case(
        "/appointments/{appointment}", DESK_WORK, lambda w: {"notes": "bring the x-rays"}
    ),
    ("POST", "/appointments/{appointment_id}/cancel"): Case(
        "/appointments/{appointment}/cancel", DOCTORS_ROW, lambda w: {"reason": "ill"}
    ),
    ("POST", "/appointments/{appointment_id}/no-show"): Case("/appointments/{begun_appointment}/no-show", DESK_WORK),
    # the queue, visits, consultations
    ("GET", "/queue"): Case("/queue", CLINIC_ROW, params={"clinic_id": "{clinic}"}),
    ("POST", "/queue/checkin"): Case(
        "/queue/checkin",
        DESK_WORK,
        lambda w: {"patient_id": w["walk_in"], "doctor_id": w["doctor"], "service_id": w["service"]},
    ),
    ("POST", "/queue/phase/move"): Case(
        "/queue/phase/move",
        DOCTORS_ROW,
        lambda w: {"visit_id": w["waiting"], "phase": "with_doctor", "confirm": True},  # the doctor has one in
    ),
    ("POST", "/queue/priority"): Case(
        "/queue/priority", DESK_WORK, lambda w: {"visit_id": w["waiting"], "priority": "URGENT"}
    ),
    ("POST", "/queue/call"): Case("/queue/call", DOCTORS_ROW, lambda w: {"visit_id": w["waiting"], "room": "2"}),
    ("POST", "/queue/call-next"): Case("/queue/call-next", DOCTORS_ROW, lambda w: {"doctor_id": w["doctor"]}),
    ("POST", "/queue/cancel"): Case("/queue/cancel", DESK_WORK, lambda w: {"visit_id": w["waiting"]}),
    ("POST", "/queue/complete-consultation"): Case(
        "/queue/complete-consultation",
        rule(403, 403, OK, 403, 403, 404),
        lambda w: {"visit_id": w["in_progress"], "notes": "fine"},
    ),
    ("POST", "/queue/complete"): Case(
        "/queue/complete", rule(OK, 403, OK, 403, 403, 404), lambda w: {"visit_id": w["in_progress"]}
    ),
    ("GET", "/visits/{visit_id}"): Case("/visits/{completed}", DOCTORS_ROW),
    ("GET", "/visits/{visit_id}/timeline"): Case("/visits/{completed}/timeline", DOCTORS_ROW),
    # payments, the desk's dashboard
    ("GET", "/payments"): Case("/payments", DESK_WORK, params={"clinic_id": "{clinic}"}),
    ("POST", "/payments"): Case("/payments", DESK_WORK, lambda w: {"visit_id": w["unpaid"]}),
    ("GET", "/payments/{payment_id}"): Case("/payments/{paid}", DESK_WORK),
    ("POST", "/payments/{payment_id}/pay"): Case("/payments/{pending}/pay", DESK_WORK),
    ("POST", "/payments/{payment_id}/refund"): Case("/payments/{paid}/refund", DESK_WORK),
    ("GET", "/reports/cash-up"): Case("/reports/cash-up", DESK_WORK, params={"clinic_id": "{clinic}"}),
    ("GET", "/dashboard/reception"): Case("/dashboard/reception", DESK_WORK, params={"clinic_id": "{clinic}"}),
    # the waiting-room display: tokens are the admin's; the screen is opened with a display token, never a staff
    # login, so every caller (and every bad bearer token) gets the same answer
    ("POST", "/display-tokens"): Case(
        "/display-tokens", ADMIN_ONLY, lambda w: {"clinic_id": w["clinic"], "name": "Waiting room TV"}
    ),
    ("GET", "/display-tokens"): Case("/display-tokens", ADMIN_ONLY, params={"clinic_id": "{clinic}"}),
    ("DELETE", "/display-tokens/{token_id}"): Case("/display-tokens/{display_token}", ADMIN_ONLY),
    ("GET", "/display/{clinic_id}"): Case(
        "/display/{clinic}", ANYONE, params={"token": "{display_secret}"}, public=True
    ),
    ("GET", "/display/{clinic_id}/state"): Case(
        "/display/{clinic}/state", ANYONE, params={"token": "{display_secret}"}, public=True
    ),
    # an open stream never ends, so the matrix asks with a revoked token: refused alike for everyone
    ("GET", "/display/{clinic_id}/events"): Case(
        "/display/{clinic}/events",
        rule(403, 403, 403, 403, 403, 403),
        params={"token": "{revoked_secret}"},
        public=True,
    ),
    ("PUT", "/visits/{visit_id}/draft"): Case(
        "/visits/{in_progress}/draft",
        rule(403, 403, OK, 403, 403, 404),
        lambda w: {"notes": "draft", "prescription": "", "version": w["in_progress_version"]},
    ),
}


def _served() -> list[tuple[str, str]]:
    spec = create_app().api.openapi()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops]


SERVED = _served()


def test_every_expectation_names_a_served_route():
    """No stale entries: a route that was removed or renamed must leave the table too."""
    assert set(EXPECT) <= set(SERVED), sorted(set(EXPECT) - set(SERVED))


@pytest.fixture(scope="module")
def world(engine) -> Iterator[W]:
    """Committed once for the module; every call is rolled back (see `undone`)."""
    with Session(engine, expire_on_commit=False) as db:
        clinic, other, empty = make_clinic(db), make_clinic(db), make_clinic(db)
        doctor, colleague = make_doctor(db, clinic), make_doctor(db, clinic, all_hours=False)
        other_doctor = make_doctor(db, other, all_hours=False)
        service = make_service(db, clinic)
        patient, walk_in = make_patient(db, clinic), make_patient(db, clinic)

        def visit(status: VisitStatus):
            return make_visit(db, patient=make_patient(db, clinic), doctor=doctor, service=service, status=status)

        waiting, in_progress = visit(VisitStatus.WAITING), visit(VisitStatus.IN_PROGRESS)
        completed = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED)
        unpaid, pending_visit = visit(VisitStatus.COMPLETED), visit(VisitStatus.COMPLETED)
        paid = make_payment(db, completed, status=PaymentStatus.PAID)
        pending = make_payment(db, pending_visit, status=PaymentStatus.PENDING)
        appointment = Appointment(
            clinic_id=clinic.id,
            patient_id=patient.id,
            doctor_id=doctor.id,
            service_id=service.id,
            start_time=SLOT + timedelta(days=1),
            end_time=SLOT + timedelta(days=1, minutes=30),
        )
        db.add(appointment)
        begun = Appointment(  # only an appointment that has begun can be marked a no-show
            clinic_id=clinic.id,
            patient_id=patient.id,
            doctor_id=doctor.id,
            service_id=service.id,
            start_time=datetime.now(UTC) - timedelta(minutes=5),
            end_time=datetime.now(UTC) + timedelta(minutes=25),
        )
        db.add(begun)
        users = {
            "admin": make_user(db, role=Role.ADMIN),
            "desk": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
            "doctor": doctor.user,
            "colleague": colleague.user,
            "other_desk": make_user(db, role=Role.RECEPTIONIST, clinic=other),
            "other_doctor": other_doctor.user,
        }
        spare = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
        display_secret, revoked_secret = unique("display-token"), unique("revoked-token")
        display_token = DisplayToken(clinic_id=clinic.id, name="TV", token_hash=hash_token(display_secret))
        db.add(display_token)
        db.add(
            DisplayToken(
                clinic_id=clinic.id, name="Old TV", token_hash=hash_token(revoked_secret), revoked_at=datetime.now(UTC)
            )
        )
        db.commit()
        ids = {
            "clinic": clinic.id,
            "empty_clinic": empty.id,
            "doctor": doctor.id,
            "service": service.id,
            "patient": patient.id,
            "walk_in": walk_in.id,
            "waiting": waiting.id,
            "in_progress": in_progress.id,
            "in_progress_version": in_progress.version,
            "completed": completed.id,
            "unpaid": unpaid.id,
            "paid": paid.id,
            "pending": pending.id,
            "appointment": appointment.id,
            "begun_appointment": begun.id,
            "spare_user": spare.id,
            "display_token": display_token.id,
            "display_secret": display_secret,  # type: ignore[dict-item]  # a str among ids
            "revoked_secret": revoked_secret,  # type: ignore[dict-item]  # a str among ids
            "desk_name": users["desk"].username,  # type: ignore[dict-item]  # a str among ids
        }
        ids.update({f"user:{name}": user.id for name, user in users.items()})
        yield ids


def _token(world: W, caller: str) -> str | None:
    settings = get_settings()
    now = datetime.now(UTC)
    claims = {"sub": str(world["user:desk"]), "type": "access", "iat": now, "exp": now + timedelta(minutes=5)}
    if caller == "none":
        return None
    if caller == "forged":
        return jwt.encode(claims, "not-the-server-key-" + "x" * 32, algorithm="HS256")
    if caller == "expired":
        past = now - timedelta(hours=2)
        return jwt.encode(
            {**claims, "iat": past, "exp": past + timedelta(minutes=5)}, settings.secret_key, algorithm="HS256"
        )

    class _Id:  # token_for needs only .id and .session_version (the world's users are fresh: version 0)
        id = world[f"user:{caller}"]
        session_version = 0

    return token_for(_Id())  # type: ignore[arg-type]  # a stand-in with a User's two fields


@contextmanager
def undone(db: Session) -> Iterator[None]:
    """Whatever the call writes (the services commit savepoints of the test's transaction) is rolled back."""
    db.rollback()
    savepoint = db.bind.begin_nested()  # type: ignore[union-attr]  # bound to a Connection here
    try:
        yield
    finally:
        db.rollback()
        savepoint.rollback()
        db.expire_all()


def _call(client, db: Session, world: W, case: Case, method: str, caller: str, ids: W | None = None):
    ids = ids or world
    with undone(db):
        if case.refresh:  # a token of its own for every call, whatever refresh-token rotation rules apply
            login = client.post("/auth/login", json={"username": world["desk_name"], "password": PASSWORD})
            ids = {**ids, "refresh": login.json()["refresh_token"]}
        body = case.body(ids) if case.body else None
        headers = {}
        token = _token(world, caller)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        params = {k: str(v).format(**ids) for k, v in case.params.items()}
        return client.request(method, case.path.format(**ids), json=body, params=params, headers=headers)


def _matches(status: int, expected: Any) -> bool:
    return 200 <= status < 300 if expected == OK else status == expected


@pytest.mark.parametrize(("method", "path"), SERVED, ids=[f"{m} {p}" for m, p in SERVED])
def test_route(client, db, world, method, path):
    case = EXPECT.get((method, path))
    assert case is not None, f"{method} {path} has no entry in EXPECT: write down who may call it"
    for caller in CALLERS:
        r = _call(client, db, world, case, method, caller)
        assert _matches(r.status_code, case.expect[caller]), (caller, r.status_code, r.text[:300])
        if r.status_code >= 400:
            assert set(r.json()) <= {"detail", "code", "field"}, (caller, r.json())  # a refusal carries no row
        if case.expect[caller] == 404:
            # another clinic's ids answer exactly like ids that do not exist
            missing = {k: MISSING if isinstance(v, int) and not k.startswith("user:") else v for k, v in world.items()}
            gone = _call(client, db, world, case, method, caller, ids=missing)
            assert (gone.status_code, gone.json()) == (r.status_code, r.json()), (caller, gone.text, r.text)
    for bad in BAD_TOKENS:
        r = _call(client, db, world, case, method, bad)
        if case.public:
            assert _matches(r.status_code, case.expect["admin"]), (bad, r.status_code, r.text[:300])
        else:
            assert r.status_code == 401 and r.json()["code"] == "unauthorized", (bad, r.status_code, r.text[:300])
