"""The clinic's floor settings (currency, send limit, no-show delay, display names) are set by an admin, and every
CSV the server makes names the clinic's currency."""

import csv
import io

from common.enums import PaymentStatus, Role, VisitStatus
from server.models import Clinic
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


def test_an_admin_sets_the_floor_settings(client, db):
    admin = make_user(db, role=Role.ADMIN)
    clinic = make_clinic(db)
    body = {"currency": "EUR", "max_active_per_doctor": 2, "no_show_after_minutes": 45, "display_names": "initials"}
    r = client.patch(f"/clinics/{clinic.id}", json=body, headers=auth(admin))
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in body} == body
    db.expire_all()
    row = db.get(Clinic, clinic.id)
    assert (row.currency, row.max_active_per_doctor, row.no_show_after_minutes, row.display_names.value) == (
        "EUR",
        2,
        45,
        "initials",
    )
    created = client.post("/clinics", json={"name": "Le Cabinet", "currency": "CHF"}, headers=auth(admin)).json()
    assert created["currency"] == "CHF" and created["max_active_per_doctor"] == 1
    bad = client.patch(f"/clinics/{clinic.id}", json={"currency": "euro"}, headers=auth(admin))
    assert bad.status_code == 422 and bad.json()["field"] == "currency"
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    assert client.patch(f"/clinics/{clinic.id}", json={"currency": "USD"}, headers=auth(desk)).status_code == 403


def test_the_earnings_csv_names_the_clinics_currency(client, db):
    clinic = make_clinic(db, currency="JPY")
    doctor = make_doctor(db, clinic, all_hours=False)
    visit = make_visit(
        db,
        patient=make_patient(db, clinic),
        doctor=doctor,
        service=make_service(db, clinic),
        status=VisitStatus.COMPLETED,
    )
    make_payment(db, visit, status=PaymentStatus.PAID)
    r = client.get("/doctors/earnings", params={"format": "csv"}, headers=auth(doctor.user))
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0][-1] == "currency" and [row[-1] for row in table[1:]] == ["JPY"]
