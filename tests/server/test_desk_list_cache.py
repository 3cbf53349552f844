"""The desk's lists kept per the desk room's seq (issue 11, "every other read route"): GET /payments,
GET /appointments and GET /dashboard/reception answer a repeat read with one statement (the clinic row, for its
seq) and an `ETag` (304 to If-None-Match); any change the desk room announces — here a payment taken, an
appointment booked, a check-in — moves the seq and the next read is fresh; each reader keeps their own copy (a
doctor's appointments are theirs only); an admin reads as before."""

from datetime import UTC, datetime, timedelta

import pytest

from common.enums import Role
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit
from tests.support.sql_counter import count_statements

SLOT = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def desk_world(db):
    clinic = make_clinic(db)
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    doctors = [make_doctor(db, clinic), make_doctor(db, clinic)]
    service = make_service(db, clinic)
    patient = make_patient(db, clinic)
    return clinic, desk, doctors, service, patient


def _twice(client, engine, path, headers, params=None):
    first = client.get(path, params=params, headers=headers)
    with count_statements(engine) as counter:
        second = client.get(path, params=params, headers=headers)
    assert first.status_code == second.status_code == 200, second.text
    return first, second, counter.count


@pytest.mark.parametrize("path", ["/payments", "/appointments", "/dashboard/reception"])
def test_a_repeat_read_costs_one_statement_and_answers_304(client, engine, desk_world, path):
    _, desk, _, _, _ = desk_world
    first, second, statements = _twice(client, engine, path, auth(desk))
    assert second.json() == first.json() and second.headers["etag"] == first.headers["etag"]
    assert statements == 1, statements  # the clinic row, for its seq (the caller is in the test's session)
    again = client.get(path, headers={**auth(desk), "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_what_the_desk_room_announces_is_read_at_once(client, db, desk_world):
    _, desk, doctors, service, patient = desk_world
    h = auth(desk)
    payments = client.get("/payments", headers=h).json()
    dashboard = client.get("/dashboard/reception", headers=h).json()
    appointments = client.get("/appointments", params={"start_date": SLOT.date().isoformat()}, headers=h).json()

    visit = make_visit(db, patient=patient, doctor=doctors[0], service=service, status="COMPLETED")
    assert client.post("/payments", json={"visit_id": visit.id, "status": "PAID"}, headers=h).status_code == 201
    body = {"patient_id": patient.id, "doctor_id": doctors[0].id, "service_id": service.id}
    assert client.post("/appointments", json={**body, "start_time": SLOT.isoformat()}, headers=h).status_code == 201

    assert client.get("/payments", headers=h).json()["total"] == payments["total"] + 1
    fresh = client.get("/dashboard/reception", headers=h).json()
    assert fresh["takings"]["paid"] != dashboard["takings"]["paid"]
    after = client.get("/appointments", params={"start_date": SLOT.date().isoformat()}, headers=h).json()
    assert after["total"] == appointments["total"] + 1


def test_each_reader_keeps_their_own_copy(client, desk_world):
    _, desk, doctors, service, patient = desk_world
    body = {"patient_id": patient.id, "service_id": service.id}
    for n, doctor in enumerate(doctors):
        start = (SLOT + timedelta(hours=n)).isoformat()
        r = client.post("/appointments", json={**body, "doctor_id": doctor.id, "start_time": start}, headers=auth(desk))
        assert r.status_code == 201, r.text
    params = {"start_date": SLOT.date().isoformat()}
    seen = {}
    for who, user in (("desk", desk), ("first", doctors[0].user), ("second", doctors[1].user), ("desk2", desk)):
        r = client.get("/appointments", params=params, headers=auth(user))
        seen[who] = ({a["doctor_id"] for a in r.json()["items"]}, r.headers["etag"])
    assert seen["desk"][0] == {doctors[0].id, doctors[1].id} and seen["desk2"] == seen["desk"]
    assert seen["first"][0] == {doctors[0].id} and seen["second"][0] == {doctors[1].id}
    assert len({etag for _, etag in seen.values()}) == 3  # never one reader's copy for another


def test_an_admin_reads_as_before(client, db, desk_world):
    clinic, _, _, _, _ = desk_world
    admin = make_user(db, role=Role.ADMIN)
    r = client.get("/payments", params={"clinic_id": clinic.id}, headers=auth(admin))
    assert r.status_code == 200 and "etag" not in r.headers  # an admin names a clinic: read, not kept


def _doctor_paths(patient_id: int, doctor_id: int) -> list[str]:
    return [
        "/doctors/earnings",
        "/doctors/patients",
        "/dashboard/doctor/appointments",
        f"/patients/{patient_id}/history/{doctor_id}",
    ]


def test_a_doctors_own_lists_are_kept_per_their_room(client, engine, db, desk_world):
    """The doctor's earnings, My Patients, appointments and a patient's history with them: a repeat read costs
    the doctor's seq alone and answers 304 to its ETag; a payment the desk takes (announced in the doctor's room)
    is in the next read."""
    _, desk, doctors, service, patient = desk_world
    me = doctors[0]
    visit = make_visit(db, patient=patient, doctor=me, service=service, status="COMPLETED")
    for path in _doctor_paths(patient.id, me.id):
        first, second, statements = _twice(client, engine, path, auth(me.user))
        assert second.json() == first.json() and statements <= 1, (path, statements)
        again = client.get(path, headers={**auth(me.user), "If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, path
    before = client.get("/doctors/earnings", headers=auth(me.user)).json()["total"]
    assert client.post("/payments", json={"visit_id": visit.id, "status": "PAID"}, headers=auth(desk)).is_success
    assert client.get("/doctors/earnings", headers=auth(me.user)).json()["total"] == before + 1


def test_a_doctors_kept_lists_never_reach_another_reader(client, db, desk_world):
    _, desk, doctors, service, patient = desk_world
    me, colleague = doctors
    make_visit(db, patient=patient, doctor=me, service=service, status="COMPLETED")  # my patient
    path = f"/patients/{patient.id}/history/{me.id}"
    assert client.get(path, headers=auth(me.user)).status_code == 200  # kept for me
    assert client.get(path, headers=auth(colleague.user)).status_code == 403  # another doctor's id
    mine = client.get("/doctors/patients", headers=auth(me.user))
    theirs = client.get("/doctors/patients", headers=auth(colleague.user))
    assert mine.headers["etag"] != theirs.headers["etag"]
    desk_read = client.get(path, headers=auth(desk))  # the desk reads a doctor's history as before (not kept)
    assert desk_read.status_code == 200 and "etag" not in desk_read.headers
