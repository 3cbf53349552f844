"""Small factories for test data. Every name that must be unique gets a fresh suffix, so tests that commit
(against the live server) never collide."""

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from common.enums import PaymentMethod, PaymentStatus, Role, VisitStatus
from server.core.security import create_token, hash_password
from server.models import Clinic, Doctor, DoctorSchedule, Patient, Payment, Service, User, Visit
from server.services.money import split_amount

PASSWORD = "secret123"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow on purpose; do it once
_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


def make_clinic(session: Session, **kw: object) -> Clinic:
    clinic = Clinic(name=kw.pop("name", unique("clinic")), timezone=kw.pop("timezone", "UTC"), **kw)
    session.add(clinic)
    session.flush()
    return clinic


def make_user(session: Session, *, role: Role, clinic: Clinic | None = None, **kw: object) -> User:
    user = User(
        username=kw.pop("username", unique(role.value.lower())),
        password_hash=_PASSWORD_HASH,
        full_name=kw.pop("full_name", unique("Name")),
        role=role,
        clinic_id=clinic.id if clinic else None,
        **kw,
    )
    session.add(user)
    session.flush()
    return user


def make_doctor(session: Session, clinic: Clinic, *, rate: str = "0.6000", all_hours: bool = True, **kw) -> Doctor:
    user = make_user(session, role=Role.DOCTOR, clinic=clinic, full_name=kw.pop("full_name", unique("Dr")))
    doctor = Doctor(user_id=user.id, clinic_id=clinic.id, commission_rate=Decimal(rate), **kw)
    session.add(doctor)
    session.flush()
    if all_hours:  # every hour of every day, so bookings in tests are not refused by the schedule
        session.add_all(
            DoctorSchedule(doctor_id=doctor.id, day_of_week=d, hour=h, is_available=True)
            for d in range(7)
            for h in range(24)
        )
        session.flush()
    session.refresh(doctor)
    return doctor


def make_patient(session: Session, clinic: Clinic, **kw: object) -> Patient:
    patient = Patient(
        clinic_id=clinic.id,
        full_name=kw.pop("full_name", unique("Patient")),
        phone=kw.pop("phone", f"+1555{next(_counter):07d}"),
        date_of_birth=kw.pop("date_of_birth", date(1980, 5, 17)),
        gender=kw.pop("gender", "F"),
        **kw,
    )
    session.add(patient)
    session.flush()
    return patient


def make_service(session: Session, clinic: Clinic, *, price: str = "100.00", **kw: object) -> Service:
    service = Service(
        clinic_id=clinic.id,
        name=kw.pop("name", unique("Consultation")),
        price=Decimal(price),
        duration_minutes=kw.pop("duration_minutes", 30),
        **kw,
    )
    session.add(service)
    session.flush()
    return service


def make_visit(
    session: Session,
    *,
    patient: Patient,
    doctor: Doctor,
    service: Service,
    status: VisitStatus = VisitStatus.WAITING,
    check_in_time: datetime | None = None,
    **kw: object,
) -> Visit:
    when = check_in_time or datetime.now(UTC)
    queue_date = kw.pop("queue_date", when.date())
    number = kw.pop("queue_number", next(_counter))
    visit = Visit(
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        queue_date=queue_date,
        queue_number=number,
        status=status,
        check_in_time=when,
        start_time=kw.pop("start_time", when + timedelta(minutes=10) if status != VisitStatus.WAITING else None),
        end_time=kw.pop("end_time", when + timedelta(minutes=30) if status == VisitStatus.COMPLETED else None),
        **kw,
    )
    session.add(visit)
    session.flush()
    _announce(session, clinic_id=visit.clinic_id, doctor_id=visit.doctor_id)
    return visit


def make_payment(
    session: Session,
    visit: Visit,
    *,
    amount: str = "100.00",
    rate: str = "0.6000",
    status: PaymentStatus = PaymentStatus.PAID,
    method: PaymentMethod = PaymentMethod.CASH,
    paid_at: datetime | None = None,
) -> Payment:
    total = Decimal(amount)
    doctor_share, center_share = split_amount(total, Decimal(rate))  # the server's rule, so factories agree with it
    payment = Payment(
        visit_id=visit.id,
        amount=total,
        doctor_share=doctor_share,
        center_share=center_share,
        status=status,
        method=method,
        paid_at=paid_at or (datetime.now(UTC) if status != PaymentStatus.PENDING else None),
        refunded_at=datetime.now(UTC) if status == PaymentStatus.REFUNDED else None,
    )
    session.add(payment)
    session.flush()
    _announce(session, clinic_id=visit.clinic_id, doctor_id=visit.doctor_id)
    return payment


def _announce(session: Session, *, clinic_id: int, doctor_id: int) -> None:
    """A row written here, past the services, moves its rooms' seqs as the real change would: the server answers
    the board and the doctor's dashboard from a cache keyed by those seqs (services/read_cache.py), and a client
    that sees the jump resyncs, as after any missed event."""
    session.execute(update(Clinic).where(Clinic.id == clinic_id).values(event_seq=Clinic.event_seq + 1))
    session.execute(update(Doctor).where(Doctor.id == doctor_id).values(event_seq=Doctor.event_seq + 1))


def register_patient_elsewhere(clinic_id: int, full_name: str) -> None:
    """A patient registered through another server process, as this process's database sees it: the row, and the
    desk room's seq that process's outbox moved (committed at once, past this process's sessions)."""
    from server.core.db import get_engine

    with get_engine().begin() as conn:
        conn.execute(insert(Patient).values(clinic_id=clinic_id, full_name=full_name, phone=""))
        conn.execute(update(Clinic).where(Clinic.id == clinic_id).values(event_seq=Clinic.event_seq + 1))


def token_for(user: User) -> str:
    return create_token(user.id, "access", session_version=user.session_version or 0)


def auth(user: User) -> dict[str, str]:
    """Authorization header for a user."""
    return {"Authorization": f"Bearer {token_for(user)}"}
