"""Issue 11, "every other read route ≥ 0.3× the floor": what a read costs in round trips as the apps call it — on
the running app with its auth cache live, so the caller costs nothing and only the route's own statements count.

A doctor's kept lists (earnings, My Patients, their appointments, a patient's history with them) need the
doctor room's seq and the clinic's local day for their key: one statement, not one for each. A page of a list
(the desk's patients, …) comes with its total in the same statement; only a page past the end asks for the total
on its own."""

from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from tests import factories as f
from tests.server.conftest import LISTENER_WAIT as WAIT
from tests.support.sql_counter import count_app_statements


def _world(app, db: Session):
    before = app.auth_listener.batches
    clinic = f.make_clinic(db)
    desk = f.make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = f.make_doctor(db, clinic)
    service = f.make_service(db, clinic)
    patients = [f.make_patient(db, clinic, full_name=f"Round Trip {n:02d}") for n in range(5)]
    for patient in patients:
        f.make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED)
    db.commit()
    assert app.auth_listener.wait_for_batch(before, WAIT)  # the new users' NOTIFYs are in: the cache may keep them
    return desk, doctor, patients


def _repeat(client, path: str, user, params=None):
    assert client.get(path, params=params, headers=f.auth(user)).status_code == 200  # the caller is cached now
    with count_app_statements() as counter:
        r = client.get(path, params=params, headers=f.auth(user))
    assert r.status_code == 200, r.text
    return r, counter


def test_a_doctors_kept_list_costs_one_statement(app, live_client, committed_db):
    _, doctor, patients = _world(app, committed_db)
    for path in (
        "/doctors/earnings",
        "/doctors/patients",
        "/dashboard/doctor/appointments",
        f"/patients/{patients[0].id}/history/{doctor.id}",
    ):
        _, counter = _repeat(live_client, path, doctor.user)
        assert counter.count == 1, (path, str(counter))  # the doctor's seq and the clinic's zone, together


def test_a_page_of_patients_comes_with_its_total_in_one_statement(app, live_client, committed_db):
    desk, _, patients = _world(app, committed_db)
    r, counter = _repeat(live_client, "/patients", desk, {"per_page": 2, "search": "Round Trip"})
    assert counter.count == 1, str(counter)
    body = r.json()
    assert body["total"] == 5 and [p["full_name"] for p in body["items"]] == ["Round Trip 00", "Round Trip 01"]
    last = live_client.get("/patients", params={"per_page": 2, "page": 3, "search": "Round Trip"}, headers=f.auth(desk))
    assert [p["full_name"] for p in last.json()["items"]] == ["Round Trip 04"] and last.json()["total"] == 5
    past = live_client.get("/patients", params={"per_page": 2, "page": 9, "search": "Round Trip"}, headers=f.auth(desk))
    assert past.status_code == 200 and past.json()["items"] == [] and past.json()["total"] == 5
    none = live_client.get("/patients", params={"search": "Nobody Such"}, headers=f.auth(desk))
    assert none.json()["items"] == [] and none.json()["total"] == 0
