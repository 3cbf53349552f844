"""GET /doctors/patients and GET /patients/{id}/history/{doctor_id}: only the caller's visits, overlapping
patients seeded on purpose; GROUP BY figures checked against the seed."""

from datetime import UTC, datetime, timedelta

import pytest

from common.enums import AppointmentStatus, PaymentStatus, VisitStatus
from server.models import Appointment
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_payment, make_service, make_visit
from tests.support.sql_counter import count_statements


@pytest.fixture
def seeded(db):
    clinic = make_clinic(db)
    a, b = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    service = make_service(db, clinic)
    shared = make_patient(db, clinic, full_name="Shared Person", phone="+100200300")
    only_a = make_patient(db, clinic, full_name="Alice 100%_Only", phone="+111")
    only_b = make_patient(db, clinic, full_name="Bob OnlyB", phone="+222")
    t0 = datetime(2024, 1, 1, 9, tzinfo=UTC)
    visits = {}
    # shared: 2 visits with A (older), 3 with B — B's are newer, they must not move A's last_visit.
    visits["shared_a"] = [
        make_visit(
            db,
            patient=shared,
            doctor=a,
            service=service,
            status=VisitStatus.COMPLETED,
            check_in_time=t0 + timedelta(days=d),
        )
        for d in (1, 5)
    ]
    for d in (6, 7, 8):
        make_visit(
            db,
            patient=shared,
            doctor=b,
            service=service,
            status=VisitStatus.COMPLETED,
            check_in_time=t0 + timedelta(days=d),
        )
    visits["only_a"] = [
        make_visit(
            db,
            patient=only_a,
            doctor=a,
            service=service,
            status=VisitStatus.CANCELLED,
            check_in_time=t0 + timedelta(days=3),
        )
    ]
    make_visit(db, patient=only_b, doctor=b, service=service, check_in_time=t0 + timedelta(days=9))
    return a, b, shared, only_a, only_b, visits, t0


def test_patients_of_a_doctor(client, seeded):
    a, b, shared, only_a, only_b, _, t0 = seeded
    body = client.get("/doctors/patients", headers=auth(a.user)).json()
    assert body["total"] == 2
    assert [(p["id"], p["total_visits"]) for p in body["items"]] == [(shared.id, 2), (only_a.id, 1)]
    assert datetime.fromisoformat(body["items"][0]["last_visit"]) == t0 + timedelta(days=5)
    assert body["items"][0]["phone"] == "+100200300" and body["items"][0]["date_of_birth"] == "1980-05-17"

    body_b = client.get("/doctors/patients", headers=auth(b.user)).json()
    assert [(p["id"], p["total_visits"]) for p in body_b["items"]] == [(only_b.id, 1), (shared.id, 3)]


def test_patient_search_and_pages(client, seeded):
    a, _, shared, only_a, _, _, _ = seeded
    h = auth(a.user)

    def ids(**params):
        return [p["id"] for p in client.get("/doctors/patients", params=params, headers=h).json()["items"]]

    assert ids(search="shared") == [shared.id]
    assert ids(search="0200") == [shared.id]  # phone
    assert ids(search="+1 002-003") == [shared.id]  # written like a phone: compared by digits, as at reception
    assert ids(search="bob") == []  # B's patient, even though the name matches
    assert ids(search="100%_") == [only_a.id]  # LIKE wildcards are taken literally
    assert ids(search="%") == [only_a.id]
    assert ids(search="  ") == [shared.id, only_a.id]
    assert ids(per_page=1, page=2) == [only_a.id]
    page = client.get("/doctors/patients", params={"per_page": 1}, headers=h).json()
    assert page["total"] == 2 and page["per_page"] == 1


def test_history_only_this_doctor_newest_first(client, db, seeded):
    a, b, shared, _, _, visits, t0 = seeded
    older, newer = visits["shared_a"]
    start = t0 + timedelta(days=5)
    appt = Appointment(
        clinic_id=a.clinic_id,
        patient_id=shared.id,
        doctor_id=a.id,
        service_id=newer.service_id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=AppointmentStatus.COMPLETED,
    )
    db.add(appt)
    db.flush()
    newer.appointment_id, newer.notes, newer.prescription = appt.id, "note", "rx"
    make_payment(db, newer, amount="80.00", rate="0.5000", status=PaymentStatus.PAID)
    db.flush()

    body = client.get(f"/patients/{shared.id}/history/{a.id}", headers=auth(a.user)).json()
    assert body["total"] == 2
    assert [h["id"] for h in body["items"]] == [newer.id, older.id]
    top = body["items"][0]
    assert (top["notes"], top["prescription"], top["payment_status"]) == ("note", "rx", "PAID")
    assert (top["amount"], top["doctor_share"]) == ("80.00", "40.00")
    assert top["appointment"]["id"] == appt.id and top["service"]["id"] == newer.service_id
    assert body["items"][1]["payment_status"] is None and body["items"][1]["appointment"] is None

    paged = client.get(
        f"/patients/{shared.id}/history/{a.id}", params={"per_page": 1, "page": 2}, headers=auth(a.user)
    ).json()
    assert [h["id"] for h in paged["items"]] == [older.id] and paged["total"] == 2

    b_history = client.get(f"/patients/{shared.id}/history/{b.id}", headers=auth(b.user)).json()
    assert b_history["total"] == 3 and not {h["id"] for h in b_history["items"]} & {older.id, newer.id}


def test_a_search_pages_with_its_total_in_one_statement(client, db, engine):
    """A broad search (issue 11: a surname matched 1,785 patients) is one statement for a page: the doctor's
    matches ranked with their total, and only the page's patients' visits counted; past the end, the total still
    comes (a second statement)."""
    clinic = make_clinic(db)
    me, other = make_doctor(db, clinic), make_doctor(db, clinic)
    service = make_service(db, clinic)
    now = datetime.now(UTC)
    mine = []
    for i in range(5):
        patient = make_patient(db, clinic, full_name=f"Varga {i}")
        for days in range(i + 1):  # patient i has i+1 visits with me, the newest i days ago
            make_visit(db, patient=patient, doctor=me, service=service, check_in_time=now - timedelta(days=i + days))
        mine.append(patient)
    theirs = make_patient(db, clinic, full_name="Varga Other")
    make_visit(db, patient=theirs, doctor=other, service=service)
    db.flush()
    h = auth(me.user)
    pages = []
    for page in (1, 2, 3):
        with count_statements(engine) as counter:
            r = client.get("/doctors/patients", params={"search": "varga", "per_page": 2, "page": page}, headers=h)
        assert r.status_code == 200, r.text
        pages.append((r.json(), counter.count))
    assert [[p["id"] for p in body["items"]] for body, _ in pages] == [
        [mine[0].id, mine[1].id],
        [mine[2].id, mine[3].id],
        [mine[4].id],
    ]
    assert all(body["total"] == 5 for body, _ in pages)  # the other doctor's Varga is not counted
    assert [p["total_visits"] for p in pages[0][0]["items"]] == [1, 2]
    counts = [n for _, n in pages]
    assert counts == [2, 2, 2], counts  # the caller (the test session holds no auth cache), then the page
    past = client.get("/doctors/patients", params={"search": "varga", "per_page": 2, "page": 9}, headers=h).json()
    assert past["items"] == [] and past["total"] == 5
