"""Races: many concurrent requests on one visit / one clinic, each on its own DB connection or HTTP connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.schemas import CheckInRequest, PaymentCreate
from server.core.errors import Conflict
from server.models import Payment, User, Visit, VisitStatusChange
from server.services.payments import create_payment
from server.services.queue import change_visit_status, check_in
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit

N = 50
# A thread that cannot start (e.g. no free PostgreSQL connection) breaks the barrier for all: an error, not a hang.
BARRIER_TIMEOUT = 30


def _world(session: Session):
    clinic = make_clinic(session)
    world = {
        "clinic": clinic,
        "rec": make_user(session, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(session, clinic),
        "service": make_service(session, clinic),
    }
    world["visit"] = make_visit(
        session, patient=make_patient(session, clinic), doctor=world["doctor"], service=world["service"]
    )
    session.commit()
    return world


def _audit_rows(session: Session, visit_id: int) -> list[VisitStatusChange]:
    session.expire_all()
    return session.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit_id)).all()


def test_concurrent_moves_in_separate_sessions(engine, committed_db):
    w = _world(committed_db)
    visit_id, rec_id = w["visit"].id, w["rec"].id
    start = threading.Barrier(N, timeout=BARRIER_TIMEOUT)

    def move(_: int) -> str:
        with Session(engine, expire_on_commit=False) as session:
            actor = session.get(User, rec_id)
            start.wait()  # all threads hit the row lock together
            try:
                change_visit_status(session, actor=actor, visit_id=visit_id, target=VisitStatus.IN_PROGRESS)
                return "won"
            except Conflict as exc:
                assert exc.extra["current_status"] == "IN_PROGRESS"
                return "409"

    with ThreadPoolExecutor(N) as pool:
        results = list(pool.map(move, range(N)))
    assert results.count("won") == 1 and results.count("409") == N - 1
    rows = _audit_rows(committed_db, visit_id)
    assert [(r.from_status, r.to_status) for r in rows] == [(VisitStatus.WAITING, VisitStatus.IN_PROGRESS)]
    visit = committed_db.get(Visit, visit_id)
    assert visit.status == VisitStatus.IN_PROGRESS and visit.version == 2


def test_concurrent_moves_over_http(live_server, committed_db):
    w = _world(committed_db)
    visit_id, headers = w["visit"].id, auth(w["rec"])
    start = threading.Barrier(N, timeout=BARRIER_TIMEOUT)

    def move(_: int) -> int:
        with httpx.Client(base_url=live_server.url, timeout=30) as http:  # one connection per thread
            start.wait()
            r = http.post("/queue/phase/move", json={"visit_id": visit_id, "phase": "with_doctor"}, headers=headers)
            return r.status_code

    with ThreadPoolExecutor(N) as pool:
        codes = list(pool.map(move, range(N)))
    assert sorted(codes) == [200] + [409] * (N - 1)
    assert len(_audit_rows(committed_db, visit_id)) == 1


def test_concurrent_check_ins_get_distinct_numbers(live_server, committed_db):
    w = _world(committed_db)
    patients = [make_patient(committed_db, w["clinic"]) for _ in range(N)]
    committed_db.commit()
    headers = auth(w["rec"])
    start = threading.Barrier(N, timeout=BARRIER_TIMEOUT)

    def check_in(i: int) -> dict:
        body = {"patient_id": patients[i].id, "doctor_id": w["doctor"].id, "service_id": w["service"].id}
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            start.wait()
            r = http.post("/queue/checkin", json=body, headers=headers)
            assert r.status_code == 201, r.text
            return r.json()

    with ThreadPoolExecutor(N) as pool:
        visits = list(pool.map(check_in, range(N)))
    numbers = [v["queue_number"] for v in visits]
    # the factory's visit has a large number of its own; the 50 check-ins must take 50 distinct ones
    assert len(set(numbers)) == N
    stored = committed_db.scalars(
        select(Visit.queue_number).where(Visit.clinic_id == w["clinic"].id, Visit.id.in_([v["id"] for v in visits]))
    ).all()
    assert sorted(stored) == sorted(numbers)
    count = committed_db.scalar(select(func.count()).select_from(Visit).where(Visit.clinic_id == w["clinic"].id))
    assert count == N + 1


def _run_together(engine, n: int, action) -> list[str]:
    """Run `action(session)` in n threads, each on its own connection, released together by a barrier;
    "won" when it returns, the domain error's code when it raises one."""
    start = threading.Barrier(n, timeout=BARRIER_TIMEOUT)

    def one(_: int) -> str:
        with Session(engine, expire_on_commit=False) as session:
            start.wait()
            try:
                action(session)
                return "won"
            except Conflict as exc:
                return exc.code

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_concurrent_duplicate_walk_ins_queue_the_patient_once(engine, committed_db):
    """A double click on "check in" (or two desks at once) must not queue one patient twice for one doctor."""
    w = _world(committed_db)
    patient = make_patient(committed_db, w["clinic"])
    committed_db.commit()
    body = CheckInRequest(patient_id=patient.id, doctor_id=w["doctor"].id, service_id=w["service"].id)
    rec_id = w["rec"].id

    def walk_in(session: Session) -> None:
        check_in(session, actor=session.get(User, rec_id), data=body)

    results = _run_together(engine, 20, walk_in)
    assert results.count("won") == 1 and results.count("conflict") == 19, results
    queued = committed_db.scalar(select(func.count()).select_from(Visit).where(Visit.patient_id == patient.id))
    assert queued == 1


def test_concurrent_payments_charge_a_visit_once(engine, committed_db):
    w = _world(committed_db)
    visit_id, rec_id = w["visit"].id, w["rec"].id

    def charge(session: Session) -> None:
        create_payment(session, actor=session.get(User, rec_id), data=PaymentCreate(visit_id=visit_id))

    results = _run_together(engine, 20, charge)
    assert results.count("won") == 1 and results.count("conflict") == 19, results
    charged = committed_db.scalar(select(func.count()).select_from(Payment).where(Payment.visit_id == visit_id))
    assert charged == 1
