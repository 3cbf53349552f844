"""Minimum necessary over HTTP (DESIGN.md, "Roles"): clinical fields reach only the visit's own doctor and admins,
a colleague's commission_rate only the desk, the doctor concerned and admins, and another clinic's ids answer 404
exactly like missing ones. The desk's note at check-in is its own field, seen by the desk and the doctor."""

from dataclasses import dataclass

import pytest

from common.enums import PaymentStatus, Role, VisitStatus
from server.models import Clinic, Doctor, User, Visit
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_patient,
    make_payment,
    make_service,
    make_user,
    make_visit,
)

CLINICAL = ("notes", "prescription")


@dataclass
class World:
    desk: User
    admin: User
    doctor: Doctor
    colleague: Doctor
    stranger: Doctor  # a doctor of another clinic
    visit: Visit  # COMPLETED with `doctor`, with notes, a prescription and a payment
    waiting: Visit  # WAITING with `doctor`


@pytest.fixture
def world(db) -> World:
    clinic, other = make_clinic(db), make_clinic(db)
    doctor, colleague = make_doctor(db, clinic, rate="0.7000"), make_doctor(db, clinic, rate="0.4000")
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    visit = make_visit(
        db,
        patient=patient,
        doctor=doctor,
        service=service,
        status=VisitStatus.COMPLETED,
        notes="suspected arrhythmia",
        prescription="bisoprolol",
    )
    make_payment(db, visit, status=PaymentStatus.PAID)
    return World(
        desk=make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        admin=make_user(db, role=Role.ADMIN),
        doctor=doctor,
        colleague=colleague,
        stranger=make_doctor(db, other),
        visit=visit,
        waiting=make_visit(db, patient=make_patient(db, clinic), doctor=doctor, service=service),
    )


def _clinical(body: dict) -> tuple:
    return tuple(body.get(k) for k in CLINICAL)


def test_the_desk_never_reads_clinical_fields(client, world):
    desk = auth(world.desk)
    detail = client.get(f"/visits/{world.visit.id}", headers=desk).json()
    assert detail["id"] == world.visit.id and _clinical(detail) == (None, None)
    assert detail["payments"][0]["doctor_share"] == "60.00"  # money shares are the desk's to see
    board = client.get("/queue", params={"date": world.visit.queue_date.isoformat()}, headers=desk).json()
    assert [_clinical(e) for e in board["completed"]] == [(None, None)]
    history = client.get(f"/patients/{world.visit.patient_id}/history/{world.doctor.id}", headers=desk).json()
    assert [_clinical(h) for h in history["items"]] == [(None, None)]
    assert history["items"][0]["amount"] == "100.00"


def test_the_visits_own_doctor_and_admins_read_them(client, world):
    for user in (world.doctor.user, world.admin):
        detail = client.get(f"/visits/{world.visit.id}", headers=auth(user)).json()
        assert _clinical(detail) == ("suspected arrhythmia", "bisoprolol")
        history = client.get(f"/patients/{world.visit.patient_id}/history/{world.doctor.id}", headers=auth(user))
        assert [_clinical(h) for h in history.json()["items"]] == [("suspected arrhythmia", "bisoprolol")]
    board = client.get("/queue", params={"date": world.visit.queue_date.isoformat()}, headers=auth(world.doctor.user))
    assert [_clinical(e) for e in board.json()["completed"]] == [("suspected arrhythmia", "bisoprolol")]


def test_a_colleague_gets_403_and_another_clinics_doctor_404_like_a_missing_id(client, world):
    colleague, stranger = auth(world.colleague.user), auth(world.stranger.user)
    missing = 10**9
    assert client.get(f"/visits/{world.visit.id}", headers=colleague).status_code == 403
    for visit_id in (world.visit.id, missing):  # the same answer for "elsewhere" and "nowhere"
        r = client.get(f"/visits/{visit_id}", headers=stranger)
        assert (r.status_code, r.json()["detail"]) == (404, "visit not found")
        move = {"visit_id": visit_id, "phase": "with_doctor"}
        r = client.post("/queue/phase/move", json=move, headers=stranger)
        assert (r.status_code, r.json()["detail"], r.json()["field"]) == (404, "visit not found", "visit_id")
        r = client.post("/queue/complete-consultation", json={"visit_id": visit_id}, headers=stranger)
        assert (r.status_code, r.json()["detail"]) == (404, "visit not found")


def test_a_doctor_sees_no_colleagues_commission_rate(client, world):
    mine = client.get("/doctors", headers=auth(world.doctor.user)).json()
    rates = {d["id"]: d["commission_rate"] for d in mine}
    assert rates == {world.doctor.id: "0.7000", world.colleague.id: None}
    assert (
        client.get(f"/doctors/{world.colleague.id}", headers=auth(world.doctor.user)).json()["commission_rate"] is None
    )
    assert client.get("/doctors/me", headers=auth(world.doctor.user)).json()["commission_rate"] == "0.7000"
    for user in (world.desk, world.admin):
        listed = client.get("/doctors", params={"clinic_id": world.doctor.clinic_id}, headers=auth(user)).json()
        assert {d["id"]: d["commission_rate"] for d in listed} == {
            world.doctor.id: "0.7000",
            world.colleague.id: "0.4000",
        }


def test_the_check_in_note_is_the_desks_and_not_a_clinical_note(client, db, world):
    body = {
        "patient_id": make_patient(db, db.get(Clinic, world.doctor.clinic_id)).id,
        "doctor_id": world.doctor.id,
        "service_id": world.visit.service_id,
        "notes": "came without the referral letter",
    }
    r = client.post("/queue/checkin", json=body, headers=auth(world.desk))
    assert r.status_code == 201, r.text
    visit = r.json()
    assert visit["checkin_note"] == "came without the referral letter" and visit["notes"] is None
    stored = db.get(Visit, visit["id"])
    assert (stored.checkin_note, stored.notes) == ("came without the referral letter", "")
    mine = client.get(f"/visits/{visit['id']}", headers=auth(world.doctor.user)).json()
    assert mine["checkin_note"] == "came without the referral letter" and mine["notes"] == ""
