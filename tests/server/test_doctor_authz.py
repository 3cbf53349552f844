"""Authorization matrix for the doctor portal: a doctor sees and changes only their own; never data otherwise."""

from dataclasses import dataclass

import pytest

from common.enums import PaymentStatus, Role, VisitStatus
from server.models import Clinic, Doctor, Patient, User, Visit
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


@dataclass
class World:
    clinic: Clinic
    doc_a: Doctor
    doc_b: Doctor
    reception: User
    admin: User
    patient: Patient  # visited both doctors
    visit_a: Visit  # IN_PROGRESS with doctor A
    visit_b: Visit  # IN_PROGRESS with doctor B
    other_clinic_visit: Visit
    other_reception: User
    orphan_doctor_user: User  # role DOCTOR, no Doctor row


@pytest.fixture
def world(db) -> World:
    clinic, other = make_clinic(db), make_clinic(db)
    doc_a = make_doctor(db, clinic, all_hours=False)
    doc_b = make_doctor(db, clinic, all_hours=False)
    doc_c = make_doctor(db, other, all_hours=False)
    service, other_service = make_service(db, clinic), make_service(db, other)
    patient = make_patient(db, clinic)
    visit_a = make_visit(db, patient=patient, doctor=doc_a, service=service, status=VisitStatus.IN_PROGRESS)
    visit_b = make_visit(db, patient=patient, doctor=doc_b, service=service, status=VisitStatus.IN_PROGRESS)
    make_payment(db, visit_b, status=PaymentStatus.PAID)
    other_visit = make_visit(
        db, patient=make_patient(db, other), doctor=doc_c, service=other_service, status=VisitStatus.IN_PROGRESS
    )
    return World(
        clinic=clinic,
        doc_a=doc_a,
        doc_b=doc_b,
        reception=make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        admin=make_user(db, role=Role.ADMIN),
        patient=patient,
        visit_a=visit_a,
        visit_b=visit_b,
        other_clinic_visit=other_visit,
        other_reception=make_user(db, role=Role.RECEPTIONIST, clinic=other),
        orphan_doctor_user=make_user(db, role=Role.DOCTOR, clinic=clinic),
    )


def _doctor_routes(w: World) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", "/doctors/earnings", None),
        ("GET", "/doctors/earnings?format=csv", None),
        ("GET", "/doctors/patients", None),
        ("GET", "/dashboard/doctor", None),
        ("GET", "/dashboard/doctor/appointments", None),
    ]


def _all_routes(w: World) -> list[tuple[str, str, dict | None]]:
    return [
        *_doctor_routes(w),
        ("GET", f"/patients/{w.patient.id}/history/{w.doc_a.id}", None),
        ("GET", f"/visits/{w.visit_a.id}", None),
        ("POST", "/queue/complete-consultation", {"visit_id": w.visit_a.id}),
        ("POST", "/queue/complete", {"visit_id": w.visit_a.id}),
    ]


def test_no_token_is_401_everywhere(client, world):
    for method, url, body in _all_routes(world):
        r = client.request(method, url, json=body)
        assert r.status_code == 401, (url, r.text)
        bad = client.request(method, url, json=body, headers={"Authorization": "Bearer not-a-token"})
        assert bad.status_code == 401, (url, bad.text)


def test_doctor_user_without_doctor_row_gets_clear_403(client, world):
    headers = auth(world.orphan_doctor_user)
    for method, url, body in _all_routes(world):
        r = client.request(method, url, json=body, headers=headers)
        assert r.status_code == 403, (url, r.text)
        assert r.json()["detail"] == "this user has no doctor profile", url


def test_reception_and_admin_cannot_use_doctor_only_routes(client, world):
    for user in (world.reception, world.admin):
        for method, url, body in _doctor_routes(world):
            r = client.request(method, url, json=body, headers=auth(user))
            assert r.status_code == 403, (user.role, url, r.text)


def test_receptionist_cannot_complete(client, db, world):
    for url in ("/queue/complete-consultation", "/queue/complete"):
        r = client.post(url, json={"visit_id": world.visit_a.id}, headers=auth(world.reception))
        assert r.status_code == 403
        assert r.json()["detail"] == "only the doctor can complete a consultation"
    db.refresh(world.visit_a)
    assert world.visit_a.status == VisitStatus.IN_PROGRESS


def test_admin_completes_only_through_the_compatibility_route(client, db, world):
    r = client.post("/queue/complete-consultation", json={"visit_id": world.visit_a.id}, headers=auth(world.admin))
    assert r.status_code == 403
    r = client.post("/queue/complete", json={"visit_id": world.visit_a.id}, headers=auth(world.admin))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "COMPLETED"


def test_doctor_a_cannot_touch_doctor_b(client, db, world):
    a = auth(world.doc_a.user)
    for url in ("/queue/complete-consultation", "/queue/complete"):
        r = client.post(url, json={"visit_id": world.visit_b.id}, headers=a)
        assert r.status_code == 403, r.text
        assert "visit" not in r.json() and "status" not in r.json()
    db.refresh(world.visit_b)
    assert world.visit_b.status == VisitStatus.IN_PROGRESS

    r = client.get(f"/visits/{world.visit_b.id}", headers=a)
    assert r.status_code in (403, 404) and "patient" not in r.json()
    r = client.get(f"/visits/{world.other_clinic_visit.id}", headers=a)
    assert r.status_code in (403, 404) and "patient" not in r.json()
    r = client.get(f"/patients/{world.patient.id}/history/{world.doc_b.id}", headers=a)
    assert r.status_code == 403 and "items" not in r.json()
    r = client.post("/queue/complete-consultation", json={"visit_id": world.other_clinic_visit.id}, headers=a)
    assert r.status_code in (403, 404)

    # Doctor A's own lists hold nothing of doctor B (B has a paid payment; the patient is shared).
    earnings = client.get("/doctors/earnings", headers=a).json()
    assert earnings["items"] == [] and earnings["summary"]["count"] == 0
    assert client.get("/doctors/earnings?format=csv", headers=a).text.strip().count("\n") == 0
    patients = client.get("/doctors/patients", headers=a).json()
    assert [p["total_visits"] for p in patients["items"]] == [1]
    history = client.get(f"/patients/{world.patient.id}/history/{world.doc_a.id}", headers=a).json()
    assert [h["id"] for h in history["items"]] == [world.visit_a.id]


def test_unknown_ids_are_404(client, world):
    a = auth(world.doc_a.user)
    assert client.post("/queue/complete-consultation", json={"visit_id": 10**9}, headers=a).status_code == 404
    assert client.get(f"/visits/{10**9}", headers=a).status_code == 404
    assert client.get(f"/patients/{10**9}/history/{world.doc_a.id}", headers=a).status_code == 404


def test_reception_sees_own_clinic_only(client, world):
    r = auth(world.reception)
    assert client.get(f"/visits/{world.visit_a.id}", headers=r).status_code == 200
    assert client.get(f"/visits/{world.other_clinic_visit.id}", headers=r).status_code == 404
    hist = client.get(f"/patients/{world.patient.id}/history/{world.doc_b.id}", headers=r)
    assert hist.status_code == 200 and [h["id"] for h in hist.json()["items"]] == [world.visit_b.id]
    other = auth(world.other_reception)
    assert client.get(f"/patients/{world.patient.id}/history/{world.doc_b.id}", headers=other).status_code == 404
    assert client.get(f"/visits/{world.visit_a.id}", headers=other).status_code == 404


def test_admin_reads_any_visit(client, world):
    r = client.get(f"/visits/{world.other_clinic_visit.id}", headers=auth(world.admin))
    assert r.status_code == 200 and r.json()["id"] == world.other_clinic_visit.id
