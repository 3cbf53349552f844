"""No N+1: every list endpoint (doctor portal and front desk) sends the same number of SQL statements for 10 rows
as for 1 000 (each request returns all of them in one page, or its largest page)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus, Role, VisitStatus
from server.models import Appointment, Payment, Visit
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, unique
from tests.support.sql_counter import count_statements

SIZES = (10, 1000)


def _seed(db, n: int) -> dict:
    """n patients each waiting today (dashboard, patients list), one patient with n past visits (history),
    a payment on each past visit (earnings) and n upcoming appointments."""
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    service = make_service(db, clinic)
    regular = make_patient(db, clinic)
    now = datetime.now(UTC)
    patient_rows = [
        {
            "clinic_id": clinic.id,
            "full_name": unique("Seeded"),
            "phone": f"+9{i:08d}",
            "gender": "",
            "medical_history": "",
            "allergies": "",
        }
        for i in range(n)
    ]
    from server.models import Patient

    patient_ids = db.scalars(insert(Patient).returning(Patient.id), patient_rows).all()
    base = {"clinic_id": clinic.id, "doctor_id": doctor.id, "service_id": service.id, "notes": "", "prescription": ""}
    today_visits = [
        {
            **base,
            "patient_id": pid,
            "queue_date": now.date(),
            "queue_number": i + 1,
            "status": VisitStatus.WAITING,
            "check_in_time": now - timedelta(seconds=i),
        }
        for i, pid in enumerate(patient_ids)
    ]
    past_visits = [
        {
            **base,
            "patient_id": regular.id,
            "queue_date": (now - timedelta(days=i + 1)).date(),
            "queue_number": 1,
            "status": VisitStatus.COMPLETED,
            "check_in_time": now - timedelta(days=i + 1),
        }
        for i in range(n)
    ]
    visit_ids = db.scalars(insert(Visit).returning(Visit.id), today_visits + past_visits).all()
    statuses, methods = list(PaymentStatus), list(PaymentMethod)
    db.execute(
        insert(Payment),
        [
            {
                "visit_id": vid,
                "amount": Decimal("10.00"),
                "doctor_share": Decimal("6.00"),
                "center_share": Decimal("4.00"),
                "status": statuses[i % 3],
                "method": methods[i % 4],
                "paid_at": None if statuses[i % 3] == PaymentStatus.PENDING else now,
            }
            for i, vid in enumerate(visit_ids[n:])
        ],
    )
    db.execute(
        insert(Appointment),
        [
            {
                "clinic_id": clinic.id,
                "patient_id": patient_ids[i],
                "doctor_id": doctor.id,
                "service_id": service.id,
                "start_time": now + timedelta(minutes=5 + i),
                "end_time": now + timedelta(minutes=35 + i),
                "status": AppointmentStatus.CONFIRMED,
                "notes": "",
            }
            for i in range(n)
        ],
    )
    db.flush()
    receptionist = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    return {"doctor": doctor, "regular": regular, "headers": auth(doctor.user), "desk": auth(receptionist)}


def _requests(w: dict, n: int) -> dict[str, tuple[str, dict, int]]:
    """name → (url, params, number of rows the response must hold); `desk_*` are asked by the receptionist."""
    doctor, regular = w["doctor"], w["regular"]
    return {
        "desk_queue": ("/queue", {}, n),  # the board has no pages: all of today's visits
        "desk_appointments": ("/appointments", {"per_page": 1000}, n),
        "desk_payments": ("/payments", {"per_page": 1000}, n),
        "desk_patients": ("/patients", {"per_page": 1000, "search": "seeded"}, n),
        # today's cash-up: the seeded payments paid or refunded now (every third one is still pending)
        "desk_cash_up": ("/reports/cash-up", {}, n - (n + 2) // 3),
        "earnings": ("/doctors/earnings", {"per_page": 1000}, n),
        "earnings_grouped": ("/doctors/earnings", {"per_page": 1000, "group_by": "date"}, n),
        "earnings_csv": ("/doctors/earnings", {"format": "csv"}, n),
        "patients": ("/doctors/patients", {"per_page": 1000}, min(n + 1, 1000)),
        "patients_search": ("/doctors/patients", {"per_page": 1000, "search": "seeded"}, n),
        "history": (f"/patients/{regular.id}/history/{doctor.id}", {"per_page": 1000}, n),
        "appointments": ("/dashboard/doctor/appointments", {"per_page": 1000}, n),
        "dashboard": ("/dashboard/doctor", {}, 2 * n),  # n waiting visits + n upcoming appointments
    }


def _rows(name: str, response) -> int:
    if name == "earnings_csv":
        return response.text.count("\n") - 1
    body = response.json()
    if name == "dashboard":
        return len(body["waiting_visits"]) + body["upcoming_appointments"]
    if name == "desk_cash_up":
        return body["totals"]["count"]
    if name == "desk_queue":
        return len(body["waiting"]) + len(body["with_doctor"]) + len(body["completed"])
    return len(body["items"])


@pytest.fixture
def worlds(db) -> dict[int, dict]:
    return {n: _seed(db, n) for n in SIZES}


def test_statement_count_does_not_grow_with_rows(client, db, engine, worlds):
    counts: dict[str, dict[int, int]] = {}
    for n, w in worlds.items():
        for name, (url, params, expected_rows) in _requests(w, n).items():
            db.expunge_all()  # nothing pre-loaded: both sizes start from the same empty identity map
            with count_statements(engine) as counter:
                r = client.get(url, params=params, headers=w["desk" if name.startswith("desk_") else "headers"])
            assert r.status_code == 200, (name, r.text)
            assert _rows(name, r) == expected_rows, (name, n)
            counts.setdefault(name, {})[n] = counter.count
    for name, by_size in counts.items():
        assert by_size[SIZES[0]] == by_size[SIZES[1]], f"{name}: {by_size}"
        assert by_size[SIZES[0]] <= 8, f"{name}: {by_size}"
