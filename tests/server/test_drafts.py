"""PUT /visits/{visit_id}/draft: the visit's own doctor keeps notes and prescription on an IN_PROGRESS visit,
with the visit's version; nobody else, nothing stale, nothing after the visit left IN_PROGRESS."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from common.enums import Role, VisitStatus
from server.models import Visit, VisitStatusChange
from server.realtime.bus import StagedEvent, bus
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit


@pytest.fixture
def scene(db):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic)
    colleague = make_doctor(db, clinic)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    visit = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.IN_PROGRESS)
    db.commit()
    return clinic, doctor, colleague, visit


def put(client, visit_id, user, **body):
    return client.put(f"/visits/{visit_id}/draft", json=body, headers=auth(user))


def test_the_own_doctor_saves_a_draft_without_bumping_the_version_or_emitting(client, db, scene):
    _, doctor, _, visit = scene
    got: list[StagedEvent] = []

    async def sink(item: StagedEvent) -> None:
        got.append(item)

    bus.add_sink(sink)
    try:
        r = put(client, visit.id, doctor.user, notes="BP 120/80", prescription="Rest", version=visit.version)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["id"], body["notes"], body["prescription"]) == (visit.id, "BP 120/80", "Rest")
        assert body["version"] == visit.version and body["status"] == "IN_PROGRESS"
        again = put(client, visit.id, doctor.user, notes="BP 120/80, pulse 70", prescription="", version=visit.version)
        assert again.status_code == 200, again.text  # the same version may be saved again and again
    finally:
        bus.remove_sink(sink)
    db.expire_all()
    stored = db.get(Visit, visit.id)
    assert (stored.notes, stored.prescription, stored.version) == ("BP 120/80, pulse 70", "", visit.version)
    assert stored.status == VisitStatus.IN_PROGRESS
    assert db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit.id)).all() == []
    assert got == []  # nobody else may read the text before the consultation is completed


def test_a_stale_version_is_refused_with_the_current_one(client, db, scene):
    _, doctor, _, visit = scene
    r = put(client, visit.id, doctor.user, notes="late", prescription="", version=visit.version + 1)
    assert r.status_code == 409
    assert r.json()["current_version"] == visit.version and r.json()["current_status"] == "IN_PROGRESS"
    db.expire_all()
    assert db.get(Visit, visit.id).notes == ""


@pytest.mark.parametrize("status", [VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.COMPLETED])
def test_a_visit_not_in_progress_is_refused(client, db, scene, status):
    _, doctor, _, visit = scene
    visit.status = status
    visit.notes = "what the completion saved"
    db.commit()
    r = put(client, visit.id, doctor.user, notes="overwrite?", prescription="", version=visit.version)
    assert r.status_code == 409
    assert r.json()["current_status"] == status.value
    db.expire_all()
    assert db.get(Visit, visit.id).notes == "what the completion saved"


def test_only_the_visits_own_doctor(client, db, scene):
    clinic, _, colleague, visit = scene
    receptionist = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    admin = make_user(db, role=Role.ADMIN)
    db.commit()
    for user in (colleague.user, receptionist, admin):
        r = put(client, visit.id, user, notes="not mine", prescription="", version=visit.version)
        assert r.status_code == 403, (user.role, r.text)
    r = client.put(f"/visits/{visit.id}/draft", json={"notes": "x", "prescription": "", "version": visit.version})
    assert r.status_code == 401
    db.expire_all()
    assert db.get(Visit, visit.id).notes == ""


def test_unknown_and_foreign_visits_answer_404(client, db, scene):
    _, doctor, _, visit = scene
    other_clinic = make_clinic(db)
    foreign_doctor = make_doctor(db, other_clinic)
    db.commit()
    assert put(client, visit.id + 10_000, doctor.user, notes="", prescription="", version=1).status_code == 404
    r = put(client, visit.id, foreign_doctor.user, notes="probe", prescription="", version=visit.version)
    assert r.status_code == 404  # exactly as for a missing id: the id does not leak across clinics


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"notes": "a\x00b", "prescription": "", "version": 1}, "notes"),
        ({"notes": "", "prescription": "a\ud800b", "version": 1}, "prescription"),
        ({"notes": "x" * 20_001, "prescription": "", "version": 1}, "notes"),
        ({"notes": "", "prescription": "", "version": 0}, "version"),
        ({"notes": "", "prescription": "", "version": 2**62}, "version"),
        ({"notes": "", "prescription": "", "version": "1; DROP TABLE visits"}, "version"),
        ({"notes": ["list"], "prescription": "", "version": 1}, "notes"),
        ({"notes": "", "prescription": ""}, "version"),
    ],
)
def test_hostile_bodies_answer_422_naming_the_field(client, db, scene, body, field):
    _, doctor, _, visit = scene
    # json.dumps escapes a lone surrogate as \\ud800, as a hostile client would send it
    headers = {**auth(doctor.user), "Content-Type": "application/json"}
    r = client.put(f"/visits/{visit.id}/draft", content=json.dumps(body), headers=headers)
    assert r.status_code == 422, r.text
    assert any(err["loc"][-1] == field for err in r.json()["detail"]), r.json()
    db.expire_all()
    assert db.get(Visit, visit.id).notes == ""


@pytest.mark.parametrize("path_id", ["abc", "-1", "0", str(2**63), "1e3"])
def test_hostile_ids_never_answer_500(client, scene, path_id):
    _, doctor, _, visit = scene
    r = client.put(f"/visits/{path_id}/draft", json={"version": visit.version}, headers=auth(doctor.user))
    assert r.status_code in (404, 422), (path_id, r.status_code, r.text)


def test_unicode_and_long_text_are_stored_faithfully(client, db, scene):
    _, doctor, _, visit = scene
    text = "Kopfschmerz seit 3 Tagen — 头痛 — 🤒\n" * 400
    r = put(client, visit.id, doctor.user, notes=text, prescription="Ibuprofen 400 mg", version=visit.version)
    assert r.status_code == 200, r.text
    db.expire_all()
    assert db.get(Visit, visit.id).notes == text
