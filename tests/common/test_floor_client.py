"""ApiClient's clinic-floor methods against the real server process: priority, call, call-next, the send limit,
no-show, cash-up (JSON, CSV and PDF)."""

from datetime import UTC, datetime, timedelta

import pytest

from common.client import ApiClient, ApiError
from common.enums import AppointmentStatus, Phase, Priority, Role
from common.schemas import CashUpReport
from server.models import Appointment
from tests.factories import PASSWORD, make_clinic, make_doctor, make_patient, make_service, make_user

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def floor(committed_db):
    db = committed_db
    clinic = make_clinic(db, currency="GBP")
    w = {
        "clinic": clinic,
        "desk": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(db, clinic),
        "service": make_service(db, clinic, price="40.00"),
        "patients": [make_patient(db, clinic) for _ in range(3)],
    }
    start = datetime.now(UTC) - timedelta(minutes=5)  # begun: only then can it be a no-show
    w["appointment"] = Appointment(
        clinic_id=clinic.id,
        patient_id=w["patients"][0].id,
        doctor_id=w["doctor"].id,
        service_id=w["service"].id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
    )
    db.add(w["appointment"])
    db.commit()
    return w


@pytest.mark.asyncio
async def test_a_floor_day_through_the_client(live_server, floor):
    w = floor
    doctor = w["doctor"]
    async with ApiClient(live_server.url) as api:
        await api.login(w["desk"].username, PASSWORD)
        first = await api.checkin(patient_id=w["patients"][1].id, doctor_id=doctor.id, service_id=w["service"].id)
        second = await api.checkin(
            patient_id=w["patients"][2].id, doctor_id=doctor.id, service_id=w["service"].id, priority=Priority.URGENT
        )
        assert second.priority == Priority.URGENT
        raised = await api.set_priority(first.id, Priority.EMERGENCY)
        assert raised.priority == Priority.EMERGENCY and raised.version == first.version + 1
        called = await api.call_next(doctor.id, room="Room 4")
        assert (called.id, called.room, called.status.value) == (first.id, "Room 4", "CALLED")
        other = await api.call(second.id, room="Room 5")
        assert other.called_at is not None
        with pytest.raises(ApiError) as nobody:
            await api.call_next(doctor.id)
        assert nobody.value.status == 404 and doctor.full_name in nobody.value.message
        await api.move(first.id, Phase.WITH_DOCTOR)
        with pytest.raises(ApiError) as busy:
            await api.move(second.id, Phase.WITH_DOCTOR)
        assert busy.value.status == 409 and busy.value.code == "doctor_busy"
        assert (await api.move(second.id, Phase.WITH_DOCTOR, confirm=True)).status.value == "IN_PROGRESS"

        gone = await api.mark_no_show(w["appointment"].id)
        assert gone.status == AppointmentStatus.NO_SHOW

        report = await api.cash_up()
        assert isinstance(report, CashUpReport) and report.currency == "GBP" and report.totals.count == 0
        csv_bytes = await api.cash_up(report.date, "csv")
        assert csv_bytes.splitlines()[0].endswith(b"currency,GBP")
        pdf = await api.cash_up(report.date, "pdf")
        assert pdf.startswith(b"%PDF-")
