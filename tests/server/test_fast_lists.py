"""Issue 11, "same idea wherever a list is keyed by a seq": the desk's lists (payments, appointments, patients, the
reception dashboard) and a doctor's own lists (earnings, My Patients, their appointments, a patient's history with
them) are answered from memory, with no statement, when the client's X-Room-Seq names a seq of the list's room that
this process has built the list at; a later seq reads the database; nobody gets another reader's copy; an admin's
read and a revoked caller never take the fast path."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.events import ROOM_SEQ_HEADER
from server.core.db import get_engine
from server.models import Clinic, Doctor
from tests import factories as f
from tests.server.conftest import LISTENER_WAIT as WAIT
from tests.support.sql_counter import count_app_statements

DESK_LISTS = ["/payments", "/appointments", "/patients", "/dashboard/reception"]


@pytest.fixture
def world(app, live_client, committed_db: Session):
    before = app.auth_listener.batches
    clinic, other = f.make_clinic(committed_db), f.make_clinic(committed_db)
    desk = f.make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    other_desk = f.make_user(committed_db, role=Role.RECEPTIONIST, clinic=other)
    doctors = [f.make_doctor(committed_db, clinic) for _ in range(2)]
    service = f.make_service(committed_db, clinic)
    patient = f.make_patient(committed_db, clinic, full_name="Fast Patient")
    f.make_patient(committed_db, other, full_name="Other Clinic Patient")
    for doctor in doctors:
        visit = f.make_visit(
            committed_db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED
        )
        visit.notes = f"notes of doctor {doctor.id}"
    committed_db.commit()
    assert app.auth_listener.wait_for_batch(before, WAIT)  # the doctors' NOTIFYs are in
    return clinic, other, desk, other_desk, doctors, patient


def _seq(db: Session, model: type[Clinic] | type[Doctor], row_id: int) -> int:
    db.expire_all()
    row = db.get(model, row_id)
    assert row is not None
    return row.event_seq


def _doctor_lists(patient_id: int, doctor_id: int) -> list[str]:
    paths = ["/doctors/earnings", "/doctors/patients", "/dashboard/doctor/appointments"]
    return [*paths, f"/patients/{patient_id}/history/{doctor_id}"]


def test_a_known_seq_answers_the_lists_from_memory(live_client, world, committed_db):
    clinic, _, desk, _, doctors, patient = world
    desk_seq = {ROOM_SEQ_HEADER: f"clinic_{clinic.id}={_seq(committed_db, Clinic, clinic.id)}", **f.auth(desk)}
    doctor = doctors[0]
    doctor_seq = {ROOM_SEQ_HEADER: f"doctor_{doctor.id}={_seq(committed_db, Doctor, doctor.id)}", **f.auth(doctor.user)}
    reads = [(path, desk_seq) for path in DESK_LISTS] + [(p, doctor_seq) for p in _doctor_lists(patient.id, doctor.id)]
    first = {path: live_client.get(path, headers=headers) for path, headers in reads}  # built, kept
    assert all(r.status_code == 200 for r in first.values()), {p: r.text for p, r in first.items()}
    with count_app_statements() as counter:
        again = {path: live_client.get(path, headers=headers) for path, headers in reads}
    assert counter.count == 0, str(counter)
    for path, r in again.items():
        assert r.content == first[path].content and r.headers["etag"] == first[path].headers["etag"], path


def test_a_later_seq_reads_the_database(live_client, world, committed_db):
    clinic, _, desk, _, _, _ = world
    seq = _seq(committed_db, Clinic, clinic.id)
    headers = {ROOM_SEQ_HEADER: f"clinic_{clinic.id}={seq}", **f.auth(desk)}
    assert [p["full_name"] for p in live_client.get("/patients", headers=headers).json()["items"]] == ["Fast Patient"]
    f.register_patient_elsewhere(clinic.id, "Registered Elsewhere")
    stale = live_client.get("/patients", headers=headers).json()  # the client heard of nothing newer
    assert stale["total"] == 1
    later = {ROOM_SEQ_HEADER: f"clinic_{clinic.id}={seq + 1}", **f.auth(desk)}
    with count_app_statements() as counter:
        fresh = live_client.get("/patients", headers=later).json()
    assert counter.count > 0 and fresh["total"] == 2


def test_no_reader_gets_another_readers_copy(live_client, world, committed_db):
    clinic, other, desk, other_desk, doctors, patient = world
    seqs = ", ".join(
        [f"clinic_{clinic.id}={_seq(committed_db, Clinic, clinic.id)}"]
        + [f"clinic_{other.id}={_seq(committed_db, Clinic, other.id)}"]
        + [f"doctor_{d.id}={_seq(committed_db, Doctor, d.id)}" for d in doctors]
    )  # every room's seq, as if one client knew them all

    def get(path: str, user, **params):
        return live_client.get(path, params=params, headers={ROOM_SEQ_HEADER: seqs, **f.auth(user)})

    for _ in range(2):  # the second round is answered from memory: still each reader's own
        assert [p["full_name"] for p in get("/patients", desk).json()["items"]] == ["Fast Patient"]
        assert [p["full_name"] for p in get("/patients", other_desk).json()["items"]] == ["Other Clinic Patient"]
        assert get("/patients", other_desk, clinic_id=clinic.id).status_code == 404  # another clinic's, named
        for doctor in doctors:
            history = get(f"/patients/{patient.id}/history/{doctor.id}", doctor.user).json()["items"]
            assert [v["notes"] for v in history] == [f"notes of doctor {doctor.id}"]
        colleague = get(f"/patients/{patient.id}/history/{doctors[1].id}", doctors[0].user)
        assert colleague.status_code == 403
        desk_view = get(f"/patients/{patient.id}/history/{doctors[0].id}", desk)
        assert desk_view.status_code == 200 and [v["notes"] for v in desk_view.json()["items"]] == [None]


def test_an_admin_never_reads_from_memory(live_client, world, committed_db):
    clinic, *_ = world
    admin = f.make_user(committed_db, role=Role.ADMIN)
    committed_db.commit()
    headers = {ROOM_SEQ_HEADER: f"clinic_{clinic.id}={_seq(committed_db, Clinic, clinic.id)}", **f.auth(admin)}
    assert live_client.get("/patients", params={"clinic_id": clinic.id}, headers=headers).status_code == 200
    with count_app_statements() as counter:
        r = live_client.get("/patients", params={"clinic_id": clinic.id}, headers=headers)
    assert r.status_code == 200 and counter.count > 0 and "etag" not in r.headers


def test_a_deactivated_doctor_is_refused_on_the_fast_path(app, live_client, world, committed_db):
    _, _, _, _, doctors, _ = world
    doctor = doctors[0]
    headers = {ROOM_SEQ_HEADER: f"doctor_{doctor.id}={_seq(committed_db, Doctor, doctor.id)}", **f.auth(doctor.user)}
    assert live_client.get("/doctors/earnings", headers=headers).status_code == 200
    with count_app_statements() as counter:
        assert live_client.get("/doctors/earnings", headers=headers).status_code == 200
    assert counter.count == 0, str(counter)
    before = app.auth_listener.batches
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE doctors SET is_active = false WHERE id = :id"), {"id": doctor.id})
    assert app.auth_listener.wait_for_batch(before, WAIT)
    assert live_client.get("/doctors/earnings", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "header",
    [
        "clinic_{c}=1e309",
        "clinic_{c}=-1",
        "clinic_{c}=" + "9" * 200,
        "clinic_{c}=\x00",
        "clinic_{c}",
        "=,=,,",
        "x" * 5000,
    ],
)
def test_a_hostile_room_seq_header_reads_the_database(live_client, world, header):
    """Garbage, a seq no room has reached, NUL, a huge header: never a 500 and never a copy from memory it was not
    built for — the database answers, as without the header."""
    clinic, _, desk, _, _, _ = world
    headers = {ROOM_SEQ_HEADER: header.format(c=clinic.id), **f.auth(desk)}
    for path in DESK_LISTS:
        r = live_client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.text)
    assert [p["full_name"] for p in live_client.get("/patients", headers=headers).json()["items"]] == ["Fast Patient"]
