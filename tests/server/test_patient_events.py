"""Registering or editing a patient is announced in the desk room (`patient_created` / `patient_updated`), so the
desk's patient list can be kept per the desk room's seq like its other lists (issue 11) — also across server
processes — and every desk app sees a colleague's new patient at once. Doctors' rooms hear nothing of it (a doctor
sees only their own patients)."""

from common import events as ev
from common.enums import Role
from tests import factories as f
from tests.support.events import names, recorded_events, rooms
from tests.support.sql_counter import count_app_statements

NEW = {"full_name": "Ada Announced", "phone": "+1 555 0100"}


def test_registering_and_editing_tell_the_desk_room_only(client, db):
    clinic = f.make_clinic(db)
    desk = f.make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    f.make_doctor(db, clinic)
    with recorded_events() as created:
        r = client.post("/patients", json=NEW, headers=f.auth(desk))
    assert r.status_code == 201, r.text
    patient = r.json()
    assert names(created) == [ev.PATIENT_CREATED] and rooms(created) == {f"clinic_{clinic.id}"}
    assert created[0].data["patient"] == patient
    with recorded_events() as updated:
        r = client.patch(f"/patients/{patient['id']}", json={"full_name": "Ada Renamed"}, headers=f.auth(desk))
    assert r.status_code == 200, r.text
    assert names(updated) == [ev.PATIENT_UPDATED] and rooms(updated) == {f"clinic_{clinic.id}"}
    assert updated[0].data["patient"]["full_name"] == "Ada Renamed"
    assert updated[0].seq == created[0].seq + 1  # numbered in the desk room like every change it hears
    with recorded_events() as refused:
        r = client.patch(f"/patients/{patient['id']}", json={"full_name": ""}, headers=f.auth(desk))
    assert r.status_code == 422 and refused == []
    with recorded_events() as unchanged:  # the same name again, or nothing: no change to tell every desk of
        for body in ({"full_name": "Ada Renamed"}, {}):
            r = client.patch(f"/patients/{patient['id']}", json=body, headers=f.auth(desk))
            assert r.status_code == 200 and r.json()["full_name"] == "Ada Renamed"
    assert unchanged == []


def test_the_desk_list_is_kept_and_a_patient_registered_elsewhere_is_in_the_next_read(live_client, committed_db):
    clinic = f.make_clinic(committed_db)
    desk = f.make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    f.make_patient(committed_db, clinic, full_name="Ada First")
    committed_db.commit()  # a new user: no NOTIFY to wait for (none of it can be cached yet)
    h = f.auth(desk)
    first = live_client.get("/patients", headers=h)
    with count_app_statements() as counter:
        again = live_client.get("/patients", headers=h)
        not_modified = live_client.get("/patients", headers={**h, "If-None-Match": first.headers["etag"]})
    assert counter.count == 2, str(counter)  # the clinic row (its seq) for each; no list query
    assert again.content == first.content and not_modified.status_code == 304
    f.register_patient_elsewhere(clinic.id, "Bea Elsewhere")  # through another server process
    fresh = live_client.get("/patients", headers=h).json()
    assert [p["full_name"] for p in fresh["items"]] == ["Ada First", "Bea Elsewhere"] and fresh["total"] == 2
    # and one registered through this process
    assert live_client.post("/patients", json=NEW, headers=h).status_code == 201
    assert live_client.get("/patients", headers=h).json()["total"] == 3
