"""Every ApiClient method the two apps use, against the real server: each answer parses into its wire model.
One front-desk-to-consulting-room day, driven only through ApiClient."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from common.client import ApiClient, ApiError
from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus, Phase, Role, VisitStatus
from common.schemas import (
    AppointmentOut,
    DoctorDashboard,
    EarningsPage,
    EarningsQuery,
    PaymentDetail,
    QueueBoard,
    ReceptionDashboard,
    VisitDetail,
)
from tests.factories import PASSWORD, make_clinic, make_doctor, make_service, make_user, unique


@pytest.fixture
def world(committed_db):
    clinic = make_clinic(committed_db)
    receptionist = make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = make_doctor(committed_db, clinic)
    service = make_service(committed_db, clinic, price="80.00")
    committed_db.commit()
    return {"clinic": clinic, "receptionist": receptionist, "doctor": doctor, "service": service}


@pytest.mark.asyncio
async def test_a_day_through_the_api_client(live_server, world, tmp_path):
    clinic, doctor, service = world["clinic"], world["doctor"], world["service"]
    rec, doc = ApiClient(live_server.url), ApiClient(live_server.url)
    try:
        await rec.login(world["receptionist"].username, PASSWORD)
        await doc.login(doctor.user.username, PASSWORD)

        # catalogue
        assert (await rec.get_clinic(clinic.id)).overdue_wait_minutes == 20
        assert doctor.id in {d.id for d in await rec.list_doctors()}
        assert (await rec.get_doctor(doctor.id)).full_name == doctor.user.full_name
        assert len((await rec.doctor_schedule(doctor.id)).slots) == 7 * 24
        assert service.id in {s.id for s in await rec.list_services()}
        assert (await doc.my_doctor()).id == doctor.id

        # patients
        name = unique("Grace")
        patient = await rec.create_patient({"full_name": name, "phone": "+1 555 0100", "allergies": "penicillin"})
        patient = await rec.update_patient(patient.id, {"phone": "+1 555 0199"})
        assert (await rec.get_patient(patient.id)).phone == "+1 555 0199"
        found = await rec.list_patients(search=name)
        assert found.total == 1 and found.items[0].id == patient.id

        # appointments
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        start = datetime.combine(tomorrow, time(10, 0), tzinfo=UTC)
        booking = {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service.id}
        appt = await rec.create_appointment({**booking, "start_time": start})
        with pytest.raises(ApiError) as clash:
            await rec.create_appointment({**booking, "start_time": start + timedelta(minutes=10)})
        assert clash.value.status == 409 and clash.value.message
        appt = await rec.update_appointment(appt.id, {"notes": "first visit"})
        assert appt.notes == "first visit"
        listed = await rec.list_appointments(start_date=tomorrow, end_date=tomorrow, doctor_id=doctor.id)
        assert [a.id for a in listed.items] == [appt.id]
        other = await rec.create_appointment({**booking, "start_time": start + timedelta(hours=2)})
        assert (await rec.cancel_appointment(other.id, reason="called off")).status == AppointmentStatus.CANCELLED
        upcoming = await doc.doctor_appointments()
        assert appt.id in {a.id for a in upcoming} and other.id not in {a.id for a in upcoming}
        assert all(isinstance(a, AppointmentOut) for a in upcoming)

        # the queue
        visit = await rec.checkin(patient_id=patient.id, doctor_id=doctor.id, service_id=service.id)
        assert visit.status == VisitStatus.WAITING and visit.phase == Phase.WAITING
        board = await rec.queue_board(doctor_id=doctor.id)
        assert isinstance(board, QueueBoard) and [e.id for e in board.waiting] == [visit.id]
        moved = await rec.move(visit.id, Phase.WITH_DOCTOR, expected_version=visit.version)
        assert moved.status == VisitStatus.IN_PROGRESS
        with pytest.raises(ApiError) as stale:
            await rec.move(visit.id, Phase.WAITING, expected_version=visit.version)
        assert stale.value.status == 409
        with pytest.raises(ApiError) as refused:
            await rec.complete_consultation(visit.id)
        assert refused.value.status == 403 and "doctor" in refused.value.message.lower()
        assert isinstance(await doc.doctor_dashboard(), DoctorDashboard)
        done = await doc.complete_consultation(visit.id, notes="rest", prescription="water")
        assert done.status == VisitStatus.COMPLETED
        detail = await doc.visit(visit.id)
        assert isinstance(detail, VisitDetail) and detail.prescription == "water"
        history = await doc.history(patient.id, doctor.id)
        assert [h.id for h in history.items] == [visit.id]

        second = await rec.checkin(patient_id=patient.id, doctor_id=doctor.id, service_id=service.id)
        assert (await rec.cancel_visit(second.id)).status == VisitStatus.CANCELLED

        # payments
        payment = await rec.create_payment(visit.id, method=PaymentMethod.CARD)
        assert isinstance(payment, PaymentDetail)
        assert payment.amount == Decimal("80.00") and payment.status == PaymentStatus.PENDING
        assert payment.doctor_share + payment.center_share == payment.amount
        paid = await rec.pay(payment.id, method=PaymentMethod.CASH)
        assert paid.status == PaymentStatus.PAID and paid.method == PaymentMethod.CASH
        assert (await rec.get_payment(payment.id)).patient.id == patient.id
        listed_payments = await rec.list_payments(visit_id=visit.id)
        assert [p.id for p in listed_payments.items] == [payment.id]
        dashboard = await rec.reception_dashboard()
        assert isinstance(dashboard, ReceptionDashboard) and dashboard.takings.paid >= Decimal("80.00")

        # the doctor's side
        earnings = await doc.earnings(EarningsQuery(status=PaymentStatus.PAID), group_by="date")
        assert isinstance(earnings, EarningsPage) and [r.payment_id for r in earnings.items] == [payment.id]
        assert earnings.summary.total_paid == paid.doctor_share and earnings.groups
        csv_bytes = await doc.earnings_csv(EarningsQuery(status=PaymentStatus.PAID))
        assert csv_bytes.count(b"\n") == 2  # header and one row
        target = tmp_path / "earnings.csv"
        assert await doc.earnings_csv_to(target) == target.stat().st_size > 0
        assert (await rec.refund(payment.id)).status == PaymentStatus.REFUNDED
        patients = await doc.doctor_patients(search=name)
        assert [p.id for p in patients.items] == [patient.id] and patients.items[0].total_visits == 2
    finally:
        await rec.aclose()
        await doc.aclose()
