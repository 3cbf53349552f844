"""recent_visits_with_doctor: newest first, only this doctor, payment status of the latest payment, PAID sums."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from common.enums import PaymentStatus, VisitStatus
from server.services.history import recent_visits_with_doctor
from tests.factories import make_clinic, make_doctor, make_patient, make_payment, make_service, make_visit


def test_recent_visits_with_doctor(db):
    clinic = make_clinic(db)
    doc_a, doc_b = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    patient = make_patient(db, clinic)
    service = make_service(db, clinic)
    t0 = datetime(2024, 3, 1, 9, tzinfo=UTC)
    visits = [
        make_visit(
            db,
            patient=patient,
            doctor=doc_a,
            service=service,
            status=VisitStatus.COMPLETED,
            check_in_time=t0 + timedelta(days=i),
        )
        for i in range(12)
    ]
    make_visit(db, patient=patient, doctor=doc_b, service=service, check_in_time=t0 + timedelta(days=30))
    make_payment(db, visits[11], amount="100.00", status=PaymentStatus.PAID)
    make_payment(db, visits[11], amount="50.00", status=PaymentStatus.PAID)
    make_payment(db, visits[11], amount="30.00", status=PaymentStatus.PENDING)  # latest → PENDING
    make_payment(db, visits[10], amount="80.00", status=PaymentStatus.REFUNDED)

    got = recent_visits_with_doctor(db, patient_id=patient.id, doctor_id=doc_a.id)
    assert [h.id for h in got] == [v.id for v in reversed(visits)][:10]
    assert got[0].payment_status == PaymentStatus.PENDING
    assert got[0].amount == Decimal("150.00")
    assert got[0].doctor_share == Decimal("90.00")
    assert got[1].payment_status == PaymentStatus.REFUNDED and got[1].amount == Decimal("0")
    assert got[2].payment_status is None and got[2].doctor_share == Decimal("0")
    assert got[0].service.id == service.id

    excluded = recent_visits_with_doctor(
        db, patient_id=patient.id, doctor_id=doc_a.id, exclude_visit_id=visits[11].id, limit=3
    )
    assert [h.id for h in excluded] == [visits[10].id, visits[9].id, visits[8].id]
