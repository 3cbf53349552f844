"""GET /visits/{id}: patient detail, service, appointment and payments."""

from datetime import UTC, datetime, timedelta

from common.enums import AppointmentStatus, PaymentStatus, Role, VisitStatus
from server.models import Appointment
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


def test_visit_detail_has_everything(client, db):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    patient = make_patient(db, clinic, allergies="penicillin")
    service = make_service(db, clinic)
    start = datetime.now(UTC)
    appt = Appointment(
        clinic_id=clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=AppointmentStatus.CHECKED_IN,
    )
    db.add(appt)
    db.flush()
    visit = make_visit(
        db, patient=patient, doctor=doctor, service=service, status=VisitStatus.IN_PROGRESS, appointment_id=appt.id
    )
    p1 = make_payment(db, visit, amount="30.00", status=PaymentStatus.PAID)
    p2 = make_payment(db, visit, amount="20.00", status=PaymentStatus.PENDING)
    reception = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    for user in (doctor.user, reception):
        r = client.get(f"/visits/{visit.id}", headers=auth(user))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["patient_detail"]["allergies"] == "penicillin"
        assert body["appointment"] == {
            "id": appt.id,
            "start_time": body["appointment"]["start_time"],
            "end_time": body["appointment"]["end_time"],
            "status": "CHECKED_IN",
        }
        assert [p["id"] for p in body["payments"]] == [p1.id, p2.id]
        assert body["service"]["name"] == service.name and body["doctor"]["id"] == doctor.id
        assert body["phase"] == "with_doctor"
