"""`clinic-server demo` seeds a usable, realistic Demo Clinic, and seeding twice changes nothing."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from common.enums import AppointmentStatus, PaymentStatus, VisitStatus
from server import demo
from server.models import Appointment, Clinic, Doctor, DoctorSchedule, Patient, Payment, Visit


def _counts(db) -> tuple[int, ...]:
    return tuple(db.scalar(select(func.count()).select_from(m)) for m in (Clinic, Patient, Visit, Payment, Appointment))


def test_demo_seed_is_complete_and_idempotent(client, db):
    now = datetime.now(UTC)
    demo.seed(db, now=now)
    first = _counts(db)
    assert "already present" in demo.seed(db, now=now)
    assert _counts(db) == first

    clinic = db.scalar(select(Clinic).where(Clinic.name == demo.DEMO_CLINIC))
    tz = ZoneInfo(clinic.timezone)
    visits = db.scalars(select(Visit).where(Visit.clinic_id == clinic.id)).all()
    assert {v.status for v in visits} >= {VisitStatus.WAITING, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED}
    today = now.astimezone(tz).date()
    assert any(v.queue_date == today and v.status == VisitStatus.WAITING for v in visits)
    assert db.scalar(select(func.count()).select_from(Patient).where(Patient.clinic_id == clinic.id)) >= 40
    statuses = set(db.scalars(select(Payment.status).join(Visit).where(Visit.clinic_id == clinic.id)))
    assert statuses == set(PaymentStatus)
    for p in db.scalars(select(Payment).join(Visit).where(Visit.clinic_id == clinic.id)):
        assert p.doctor_share + p.center_share == p.amount

    # Appointments: the next 30 days, confirmed, inside the doctor's hours, never overlapping for one doctor.
    appts = db.scalars(select(Appointment).where(Appointment.clinic_id == clinic.id)).all()
    assert appts and all(a.status == AppointmentStatus.CONFIRMED for a in appts)
    assert all(now < a.start_time <= now + timedelta(days=31) for a in appts)
    slots = {(s.doctor_id, s.day_of_week, s.hour) for s in db.scalars(select(DoctorSchedule)) if s.is_available}
    for a in appts:
        local = a.start_time.astimezone(tz)
        assert (a.doctor_id, local.weekday(), local.hour) in slots
    for doctor in db.scalars(select(Doctor).where(Doctor.clinic_id == clinic.id)):
        mine = sorted((a for a in appts if a.doctor_id == doctor.id), key=lambda a: a.start_time)
        assert all(x.end_time <= y.start_time for x, y in zip(mine, mine[1:], strict=False))

    for username in ("admin", "reception", "dr.house", "dr.grey"):
        r = client.post("/auth/login", json={"username": username, "password": demo.DEMO_PASSWORD})
        assert r.status_code == 200, (username, r.text)
