"""Payments: default amount and shares (service rate overrides the doctor's), pay, refund, list filters,
scoping and payment_processed events."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from common.enums import AppointmentStatus, PaymentStatus, Role, VisitStatus
from server.models import Appointment, Payment
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
from tests.support.events import names, recorded_events, rooms


def _world(db, *, service_rate: str | None = None, price: str = "80.00"):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, rate="0.6000")
    service = make_service(
        db, clinic, price=price, doctor_share_rate=Decimal(service_rate) if service_rate is not None else None
    )
    patient = make_patient(db, clinic)
    visit = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED)
    return {
        "clinic": clinic,
        "doctor": doctor,
        "service": service,
        "visit": visit,
        "rec": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
    }


def test_create_defaults_to_service_price_and_doctor_rate(client, db):
    w = _world(db, price="80.00")
    with recorded_events() as events:
        r = client.post("/payments", json={"visit_id": w["visit"].id}, headers=auth(w["rec"]))
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["amount"], p["doctor_share"], p["center_share"]) == ("80.00", "48.00", "32.00")
    assert p["status"] == "PENDING" and p["paid_at"] is None and p["created_by"] == w["rec"].id
    assert p["doctor_id"] == w["doctor"].id and p["service"]["id"] == w["service"].id
    assert p["queue_number"] == w["visit"].queue_number
    assert names(events) == ["payment_processed"] * 2  # the desk's payload and the doctor's
    assert all(e.data["payment"]["id"] == p["id"] for e in events)
    assert rooms(events) == {f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"}


def test_service_rate_overrides_and_explicit_amount(client, db):
    w = _world(db, service_rate="0.3000")
    r = client.post(
        "/payments",
        json={"visit_id": w["visit"].id, "amount": "33.35", "method": "CARD", "status": "PAID"},
        headers=auth(w["rec"]),
    )
    p = r.json()
    assert (p["amount"], p["doctor_share"], p["center_share"]) == ("33.35", "10.01", "23.34")  # 10.005 → 10.01
    assert p["status"] == "PAID" and p["paid_at"] is not None and p["method"] == "CARD"


def test_pay_and_refund_rules(client, db):
    w = _world(db)
    rec = auth(w["rec"])
    pid = client.post("/payments", json={"visit_id": w["visit"].id}, headers=rec).json()["id"]
    r = client.post(f"/payments/{pid}/refund", headers=rec)
    assert r.status_code == 409 and r.json()["current_status"] == "PENDING"
    with recorded_events() as events:
        r = client.post(f"/payments/{pid}/pay", json={"method": "TRANSFER"}, headers=rec)
    assert r.status_code == 200 and r.json()["status"] == "PAID" and r.json()["method"] == "TRANSFER"
    assert r.json()["paid_at"] is not None
    assert names(events, f"clinic_{w['clinic'].id}") == ["payment_processed"]
    assert client.post(f"/payments/{pid}/pay", headers=rec).status_code == 409
    # a second open payment for the same visit is refused
    r = client.post("/payments", json={"visit_id": w["visit"].id}, headers=rec)
    assert r.status_code == 409 and r.json()["payment_id"] == pid
    r = client.post(f"/payments/{pid}/refund", headers=rec)
    assert r.status_code == 200 and r.json()["status"] == "REFUNDED" and r.json()["refunded_at"] is not None
    with recorded_events() as events:
        r = client.post(f"/payments/{pid}/refund", headers=rec)
    assert r.status_code == 409 and r.json()["current_status"] == "REFUNDED" and events == []
    # after a refund the visit can be charged again
    assert client.post("/payments", json={"visit_id": w["visit"].id}, headers=rec).status_code == 201


def test_refused_requests_write_nothing(client, db):
    w = _world(db)
    rec = auth(w["rec"])
    cancelled = make_visit(
        db, patient=w["visit"].patient, doctor=w["doctor"], service=w["service"], status=VisitStatus.CANCELLED
    )
    r = client.post("/payments", json={"visit_id": cancelled.id}, headers=rec)
    assert r.status_code == 409
    r = client.post("/payments", json={"visit_id": w["visit"].id, "status": "REFUNDED"}, headers=rec)
    assert r.status_code == 422
    r = client.post("/payments", json={"visit_id": w["visit"].id, "amount": "-1"}, headers=rec)
    assert r.status_code == 422
    assert db.scalars(select(Payment).where(Payment.visit_id.in_([w["visit"].id, cancelled.id]))).all() == []


def test_scope(client, db):
    w = _world(db)
    other = _world(db)
    rec = auth(w["rec"])
    theirs = make_payment(db, other["visit"], status=PaymentStatus.PENDING)
    assert client.post("/payments", json={"visit_id": other["visit"].id}, headers=rec).status_code == 404
    assert client.post(f"/payments/{theirs.id}/pay", headers=rec).status_code == 404
    assert client.post(f"/payments/{theirs.id}/refund", headers=rec).status_code == 404
    assert client.get(f"/payments/{theirs.id}", headers=rec).status_code == 404
    assert client.get("/payments", params={"visit_id": other["visit"].id}, headers=rec).json()["total"] == 0
    assert client.get("/payments", headers=auth(w["doctor"].user)).status_code == 403
    admin = make_user(db, role=Role.ADMIN)
    assert client.get("/payments", headers=auth(admin)).status_code == 422
    r = client.get("/payments", params={"visit_id": other["visit"].id}, headers=auth(admin))
    assert [p["id"] for p in r.json()["items"]] == [theirs.id]
    assert client.post(f"/payments/{theirs.id}/pay", headers=auth(admin)).status_code == 200


def test_list_filters(client, db):
    w = _world(db)
    rec = auth(w["rec"])
    second_visit = make_visit(
        db, patient=make_patient(db, w["clinic"]), doctor=make_doctor(db, w["clinic"]), service=w["service"]
    )
    paid = make_payment(db, w["visit"], status=PaymentStatus.PAID)
    pending = make_payment(db, second_visit, status=PaymentStatus.PENDING)
    old = make_payment(db, second_visit, status=PaymentStatus.REFUNDED)
    old.created_at = datetime.now(UTC) - timedelta(days=3)
    db.flush()

    def ids(**params) -> list[int]:
        r = client.get("/payments", params=params, headers=rec)
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["items"]]

    assert ids() == [pending.id, paid.id, old.id]  # newest first
    assert ids(status="PAID") == [paid.id]
    assert ids(visit_id=second_visit.id) == [pending.id, old.id]
    assert ids(doctor_id=second_visit.doctor_id) == [pending.id, old.id]
    today = datetime.now(UTC).date()
    assert ids(date=today.isoformat()) == [pending.id, paid.id]
    assert ids(
        start_date=(today - timedelta(days=5)).isoformat(), end_date=(today - timedelta(days=1)).isoformat()
    ) == [old.id]
    detail = client.get("/payments", params={"visit_id": w["visit"].id}, headers=rec).json()["items"][0]
    assert (
        detail["patient"]["id"] == w["visit"].patient_id and detail["visit_date"] == w["visit"].queue_date.isoformat()
    )


def test_reception_dashboard(client, db):
    w = _world(db)
    rec = auth(w["rec"])
    clinic, doctor, service = w["clinic"], w["doctor"], w["service"]

    def visit(status):
        return make_visit(db, patient=make_patient(db, clinic), doctor=doctor, service=service, status=status)

    for status in (VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.IN_PROGRESS, VisitStatus.CANCELLED):
        visit(status)
    make_payment(db, w["visit"], amount="80.00", status=PaymentStatus.PAID)
    make_payment(db, visit(VisitStatus.COMPLETED), amount="50.00", status=PaymentStatus.PENDING)
    make_payment(db, visit(VisitStatus.COMPLETED), amount="20.00", status=PaymentStatus.REFUNDED)
    yesterday = make_payment(db, visit(VisitStatus.COMPLETED), amount="999.00", status=PaymentStatus.PAID)
    yesterday.paid_at = datetime.now(UTC) - timedelta(days=1)
    now = datetime.now(UTC)
    for days, status in (
        (0, AppointmentStatus.CONFIRMED),
        (0, AppointmentStatus.CANCELLED),
        (0, AppointmentStatus.NO_SHOW),
        (2, None),
    ):
        start = now.replace(hour=12, minute=0) + timedelta(days=days)
        db.add(
            Appointment(
                clinic_id=clinic.id,
                patient_id=w["visit"].patient_id,
                doctor_id=doctor.id,
                service_id=service.id,
                start_time=start,
                end_time=start + timedelta(minutes=30),
                status=status or AppointmentStatus.CONFIRMED,
            )
        )
    db.flush()
    r = client.get("/dashboard/reception", headers=rec)
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["checked_in"], d["waiting"], d["with_doctor"], d["completed"], d["cancelled"]) == (8, 2, 1, 4, 1)
    assert d["takings"] == {"paid": "80.00", "pending": "50.00", "refunded": "20.00"}
    assert d["date"] == datetime.now(UTC).date().isoformat()
    assert d["appointments_today"] == 1  # cancelled, no-show and other days' appointments are not counted
    assert client.get("/dashboard/reception", headers=auth(make_user(db, role=Role.ADMIN))).status_code == 422
