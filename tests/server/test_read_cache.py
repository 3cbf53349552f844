"""Issue 11, "Board": GET /queue and GET /dashboard/doctor answer with an ETag, 304 to a matching If-None-Match,
a change makes a new answer, and one audience's cached copy never reaches another."""

from common.enums import Role, VisitStatus
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit


def _world(db):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic)
    service = make_service(db, clinic)
    patient = make_patient(db, clinic, full_name="Alice Harper")
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    visit = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.IN_PROGRESS)
    visit.notes = "chest pain since Monday"  # clinical: the doctor's, never the desk's
    db.flush()
    return clinic, doctor, service, patient, desk, visit


def _entries(body: dict) -> list[dict]:
    return body["waiting"] + body["with_doctor"] + body["completed"]


def test_board_answers_304_to_its_etag(client, db):
    _, _, _, _, desk, _ = _world(db)
    first = client.get("/queue", headers=auth(desk))
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and first.headers["cache-control"] == "private, no-cache"
    again = client.get("/queue", headers={**auth(desk), "If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b"" and again.headers["etag"] == tag
    stale = client.get("/queue", headers={**auth(desk), "If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.json() == first.json()


def test_a_change_makes_a_new_board(client, db):
    clinic, doctor, service, _, desk, _ = _world(db)
    first = client.get("/queue", headers=auth(desk))
    tag = first.headers["etag"]
    newcomer = make_patient(db, clinic, full_name="Ben Ortiz")
    r = client.post(
        "/queue/checkin",
        json={"patient_id": newcomer.id, "doctor_id": doctor.id, "service_id": service.id},
        headers=auth(desk),
    )
    assert r.status_code == 201, r.text
    after = client.get("/queue", headers={**auth(desk), "If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert "Ben Ortiz" in {e["patient"]["full_name"] for e in _entries(after.json())}


def test_a_change_that_tells_no_room_still_shows(client, db):
    """A patient renamed emits no event (no seq moves): the board must not keep the old name."""
    _, _, _, patient, desk, _ = _world(db)
    first = client.get("/queue", headers=auth(desk))
    r = client.patch(f"/patients/{patient.id}", json={"full_name": "Alice Harper-Lee"}, headers=auth(desk))
    assert r.status_code == 200, r.text
    after = client.get("/queue", headers={**auth(desk), "If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert "Alice Harper-Lee" in {e["patient"]["full_name"] for e in _entries(after.json())}


def test_desk_and_doctor_never_get_each_others_copy(client, db):
    _, doctor, _, _, desk, visit = _world(db)
    # The doctor fills the cache first, with the clinical notes in it ...
    mine = client.get("/queue", headers=auth(doctor.user))
    assert mine.status_code == 200
    [entry] = _entries(mine.json())
    assert entry["notes"] == "chest pain since Monday"
    # ... the desk asking for the same column gets its own shape, and another ETag.
    desk_view = client.get("/queue", params={"doctor_id": doctor.id}, headers=auth(desk))
    assert desk_view.status_code == 200
    [entry] = _entries(desk_view.json())
    assert entry["id"] == visit.id and entry["notes"] is None
    assert desk_view.headers["etag"] != mine.headers["etag"]
    # The doctor's ETag means nothing to the desk's request (and the other way round): a whole answer, not 304.
    crossed = client.get(
        "/queue", params={"doctor_id": doctor.id}, headers={**auth(desk), "If-None-Match": mine.headers["etag"]}
    )
    assert crossed.status_code == 200 and _entries(crossed.json())[0]["notes"] is None
    crossed = client.get("/queue", headers={**auth(doctor.user), "If-None-Match": desk_view.headers["etag"]})
    assert crossed.status_code == 200 and _entries(crossed.json())[0]["notes"] == "chest pain since Monday"


def test_doctor_dashboard_answers_304_until_a_change(client, db):
    clinic, doctor, service, _, desk, visit = _world(db)
    first = client.get("/dashboard/doctor", headers=auth(doctor.user))
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert client.get("/dashboard/doctor", headers={**auth(doctor.user), "If-None-Match": tag}).status_code == 304
    newcomer = make_patient(db, clinic, full_name="Chloe Park")
    r = client.post(
        "/queue/checkin",
        json={"patient_id": newcomer.id, "doctor_id": doctor.id, "service_id": service.id},
        headers=auth(desk),
    )
    assert r.status_code == 201, r.text
    after = client.get("/dashboard/doctor", headers={**auth(doctor.user), "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert [v["patient"]["full_name"] for v in after.json()["waiting_visits"]] == ["Chloe Park"]
    assert [v["id"] for v in after.json()["active_visits"]] == [visit.id]


def test_another_doctors_etag_is_not_honoured(client, db):
    clinic, doctor, _, _, _, _ = _world(db)
    other = make_doctor(db, clinic)
    db.flush()
    mine = client.get("/dashboard/doctor", headers=auth(doctor.user))
    theirs = client.get("/dashboard/doctor", headers={**auth(other.user), "If-None-Match": mine.headers["etag"]})
    assert theirs.status_code == 200
    assert theirs.headers["etag"] != mine.headers["etag"]
    assert theirs.json()["active_visits"] == []
