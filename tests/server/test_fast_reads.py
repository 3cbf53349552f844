"""Issue 11, the fast path of GET /queue and GET /dashboard/doctor (services/cached_reads.py, `fast_*`): with the
seq the client last heard in the list's room (X-Room-Seq), a list this process built at that seq or later is
answered with no statement; a later seq goes to the database; a reader never gets another reader's copy; a
revoked user is refused all the same."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.events import ROOM_SEQ_HEADER
from server.core.db import get_engine
from server.models import Clinic, Doctor, User
from tests import factories as f
from tests.server.conftest import LISTENER_WAIT as WAIT
from tests.support.sql_counter import count_app_statements


@pytest.fixture
def world(app, live_client, committed_db: Session):
    """Two clinics; in the first a desk, two doctors with a visit each (clinical notes), in the second a desk."""
    before = app.auth_listener.batches
    clinic, other_clinic = f.make_clinic(committed_db), f.make_clinic(committed_db)
    desk = f.make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    other_desk = f.make_user(committed_db, role=Role.RECEPTIONIST, clinic=other_clinic)
    service = f.make_service(committed_db, clinic)
    doctors = [f.make_doctor(committed_db, clinic) for _ in range(2)]
    for n, doctor in enumerate(doctors):
        patient = f.make_patient(committed_db, clinic, full_name=f"Patient of doctor {n}")
        visit = f.make_visit(
            committed_db, patient=patient, doctor=doctor, service=service, status=VisitStatus.IN_PROGRESS
        )
        visit.notes = f"notes of doctor {n}"
    committed_db.commit()
    # the NOTIFYs of these new users must not drop a snapshot the test reads next
    assert app.auth_listener.wait_for_batch(before, WAIT)
    return clinic, other_clinic, desk, other_desk, doctors


def _seq(db: Session, model: type[Clinic] | type[Doctor], row_id: int) -> int:
    db.expire_all()
    row = db.get(model, row_id)
    assert row is not None
    return row.event_seq


def _names(body: dict) -> set[str]:
    return {e["patient"]["full_name"] for e in body["waiting"] + body["with_doctor"] + body["completed"]}


def _get(client: TestClient, path: str, user: User, seqs: str, **headers: str):
    return client.get(path, headers={**f.auth(user), ROOM_SEQ_HEADER: seqs, **headers})


def test_a_known_seq_is_answered_without_a_statement(live_client, world, committed_db):
    clinic, _, desk, _, _ = world
    room = f"clinic_{clinic.id}={_seq(committed_db, Clinic, clinic.id)}"
    first = _get(live_client, "/queue", desk, room)  # built from the database, kept
    assert first.status_code == 200
    with count_app_statements() as counter:
        again = _get(live_client, "/queue", desk, room)
        not_modified = _get(live_client, "/queue", desk, room, **{"If-None-Match": first.headers["etag"]})
    assert counter.count == 0, str(counter)
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_without_the_header_the_database_answers(live_client, world):
    _, _, desk, _, _ = world
    assert live_client.get("/queue", headers=f.auth(desk)).status_code == 200
    with count_app_statements() as counter:
        assert live_client.get("/queue", headers=f.auth(desk)).status_code == 200
    assert counter.count > 0  # the clinic's seq, read to build the key


def test_a_later_seq_goes_to_the_database_and_gets_the_fresh_board(live_client, world, committed_db):
    clinic, _, desk, _, _ = world
    seq = _seq(committed_db, Clinic, clinic.id)
    assert _get(live_client, "/queue", desk, f"clinic_{clinic.id}={seq}").status_code == 200
    # A change made through another process: numbered in the desk room, unseen by this process's sessions.
    with get_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE patients SET full_name = 'Renamed Elsewhere' WHERE full_name = 'Patient of doctor 0'"
                " AND clinic_id = :c"
            ),
            {"c": clinic.id},
        )
        conn.execute(text("UPDATE clinics SET event_seq = event_seq + 1 WHERE id = :c"), {"c": clinic.id})
    with count_app_statements() as known:
        _get(live_client, "/queue", desk, f"clinic_{clinic.id}={seq}")
    assert known.count == 0, str(known)  # the client has heard of nothing newer: memory answers
    with count_app_statements() as later:
        fresh = _get(live_client, "/queue", desk, f"clinic_{clinic.id}={seq + 1}")
    assert later.count > 0
    assert fresh.status_code == 200 and "Renamed Elsewhere" in _names(fresh.json())
    with count_app_statements() as after:  # the slot now holds seq + 1
        again = _get(live_client, "/queue", desk, f"clinic_{clinic.id}={seq + 1}")
    assert after.count == 0 and again.content == fresh.content


def test_no_reader_gets_another_readers_copy(live_client, world, committed_db):
    clinic, other_clinic, desk, other_desk, doctors = world
    seqs = ", ".join(
        [f"clinic_{clinic.id}={_seq(committed_db, Clinic, clinic.id)}"]
        + [f"clinic_{other_clinic.id}={_seq(committed_db, Clinic, other_clinic.id)}"]
        + [f"doctor_{d.id}={_seq(committed_db, Doctor, d.id)}" for d in doctors]
    )  # every room's seq, as if one client knew them all: each reader must still get only their own
    readers = {"desk": desk, "other desk": other_desk, "doctor 0": doctors[0].user, "doctor 1": doctors[1].user}
    boards = {name: _get(live_client, "/queue", user, seqs) for name, user in readers.items()}
    dashboards = {n: _get(live_client, "/dashboard/doctor", doctors[n].user, seqs) for n in range(2)}
    with count_app_statements() as counter:  # every reader's slot is filled: all from memory now
        boards_again = {name: _get(live_client, "/queue", user, seqs) for name, user in readers.items()}
        dashboards_again = {n: _get(live_client, "/dashboard/doctor", doctors[n].user, seqs) for n in range(2)}
    assert counter.count == 0, str(counter)
    for name in readers:
        assert boards_again[name].content == boards[name].content
    for n in range(2):
        assert dashboards_again[n].content == dashboards[n].content
        body = dashboards_again[n].json()
        own = {v["patient"]["full_name"] for v in body["active_visits"] + body["waiting_visits"]}
        assert own == {f"Patient of doctor {n}"}

    def entries(name: str) -> list[dict]:
        body = boards_again[name].json()
        return body["waiting"] + body["with_doctor"] + body["completed"]

    assert {e["notes"] for e in entries("desk")} == {None}  # the desk's shape: no clinical notes
    assert _names(boards_again["desk"].json()) == {"Patient of doctor 0", "Patient of doctor 1"}
    assert entries("other desk") == []  # their own clinic's board, never the first clinic's
    for n in range(2):
        assert [(e["patient"]["full_name"], e["notes"]) for e in entries(f"doctor {n}")] == [
            (f"Patient of doctor {n}", f"notes of doctor {n}")
        ]
    # the other clinic's desk naming the first clinic is refused, as without the header
    crossed = live_client.get(
        "/queue", params={"clinic_id": clinic.id}, headers={**f.auth(other_desk), ROOM_SEQ_HEADER: seqs}
    )
    assert crossed.status_code == 404
    # a doctor naming a colleague is refused, as without the header
    named = live_client.get(
        "/queue", params={"doctor_id": doctors[1].id}, headers={**f.auth(doctors[0].user), ROOM_SEQ_HEADER: seqs}
    )
    assert named.status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE users SET is_active = false WHERE id = :id",
        "UPDATE users SET session_version = session_version + 1 WHERE id = :id",
        "UPDATE doctors SET is_active = false WHERE user_id = :id",
    ],
)
def test_a_revoked_user_is_refused_on_the_fast_path(app, live_client, world, committed_db, change):
    _, _, _, _, doctors = world
    doctor = doctors[0]
    seqs = f"doctor_{doctor.id}={_seq(committed_db, Doctor, doctor.id)}"
    assert _get(live_client, "/dashboard/doctor", doctor.user, seqs).status_code == 200
    with count_app_statements() as counter:
        assert _get(live_client, "/dashboard/doctor", doctor.user, seqs).status_code == 200
    assert counter.count == 0, str(counter)  # the fast path stands
    before = app.auth_listener.batches
    with get_engine().begin() as conn:  # by SQL, as another process or psql would
        conn.execute(text(change), {"id": doctor.user.id})
    assert app.auth_listener.wait_for_batch(before, WAIT), "the NOTIFY never arrived"
    refused = _get(live_client, "/dashboard/doctor", doctor.user, seqs)
    assert refused.status_code == (403 if "doctors" in change else 401)


def test_a_deactivated_desk_is_refused_on_the_fast_path(live_client, world, committed_db):
    clinic, _, desk, _, _ = world
    seqs = f"clinic_{clinic.id}={_seq(committed_db, Clinic, clinic.id)}"
    assert _get(live_client, "/queue", desk, seqs).status_code == 200
    with count_app_statements() as counter:
        assert _get(live_client, "/queue", desk, seqs).status_code == 200
    assert counter.count == 0, str(counter)
    row = committed_db.get(User, desk.id)
    assert row is not None
    row.is_active = False
    committed_db.commit()  # through the ORM in this process
    assert _get(live_client, "/queue", desk, seqs).status_code == 401
