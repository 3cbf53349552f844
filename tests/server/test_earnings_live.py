"""The CSV export against the real server: a large export streams in chunks with the request's session still
open, and equals the JSON rows."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import insert

from common.enums import PaymentMethod, PaymentStatus, VisitStatus
from server.models import Payment, Visit
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service

ROWS = 2500  # more than two CSV batches


@pytest.fixture
def doctor_with_payments(committed_db):
    db = committed_db
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    now = datetime.now(UTC)
    visit_ids = db.scalars(
        insert(Visit).returning(Visit.id),
        [
            {
                "clinic_id": clinic.id,
                "patient_id": patient.id,
                "doctor_id": doctor.id,
                "service_id": service.id,
                "queue_date": (now - timedelta(days=i)).date(),
                "queue_number": 1,
                "status": VisitStatus.COMPLETED,
                "check_in_time": now - timedelta(days=i),
                "notes": "",
                "prescription": "",
            }
            for i in range(ROWS)
        ],
    ).all()
    db.execute(
        insert(Payment),
        [
            {
                "visit_id": vid,
                "amount": Decimal("12.34"),
                "doctor_share": Decimal("7.40"),
                "center_share": Decimal("4.94"),
                "status": PaymentStatus.PAID,
                "method": PaymentMethod.CARD,
                "paid_at": now - timedelta(days=i),
            }
            for i, vid in enumerate(visit_ids)
        ],
    )
    db.commit()
    return doctor


def test_large_csv_streams_from_the_real_server(live_server, doctor_with_payments):
    headers = auth(doctor_with_payments.user)
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        with http.stream("GET", "/doctors/earnings", params={"format": "csv"}, headers=headers) as r:
            assert r.status_code == 200
            assert "content-length" not in r.headers  # streamed, not buffered
            chunks = list(r.iter_text())
        text = "".join(chunks)
        table = list(csv.reader(io.StringIO(text)))
        assert len(table) == ROWS + 1
        first_page = http.get("/doctors/earnings", params={"per_page": 1000}, headers=headers).json()
    assert [int(line[0]) for line in table[1:1001]] == [i["payment_id"] for i in first_page["items"]]
    assert sum(Decimal(line[5]) for line in table[1:]) == Decimal(first_page["summary"]["total_paid"])
