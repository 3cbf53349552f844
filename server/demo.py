"""Seed the Demo Clinic: staff, services, schedules, patients, a history of visits and payments, upcoming
appointments and a lively queue for today. Idempotent: a second run changes nothing."""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus, Role, VisitStatus
from server.core.security import hash_password
from server.models import (
    Appointment,
    Clinic,
    Doctor,
    DoctorSchedule,
    Patient,
    Payment,
    Service,
    User,
    Visit,
    VisitStatusChange,
)
from server.services import appointment_audit
from server.services.money import split_amount

DEMO_CLINIC = "Demo Clinic"
DEMO_PASSWORD = "demo1234"

FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Amelia",
    "Oliver",
    "Ava",
    "Elijah",
    "Sophia",
    "Lucas",
    "Mia",
    "Mateo",
    "Isabella",
    "Levi",
    "Harper",
    "Leo",
    "Evelyn",
    "Ezra",
    "Luna",
    "Asher",
    "Nora",
    "James",
    "Zoe",
    "Henry",
]
LAST = [
    "Smith",
    "Garcia",
    "Johnson",
    "Brown",
    "Nguyen",
    "Patel",
    "Kowalski",
    "Müller",
    "Rossi",
    "Okafor",
    "Silva",
    "Haddad",
    "Kim",
    "Larsen",
    "Dubois",
    "Novak",
    "Cohen",
    "Tanaka",
    "Murphy",
    "Ivanova",
]
HISTORY = ["", "", "Hypertension", "Type 2 diabetes", "Asthma", "Appendectomy (2015)", "Migraine", "Hypothyroidism"]
ALLERGIES = ["", "", "", "Penicillin", "Peanuts", "Latex", "Sulfa drugs"]
NOTES = [
    "Symptoms improving; continue current plan.",
    "BP 128/82. Advised low-salt diet.",
    "Mild viral infection, rest and fluids.",
    "Lab results normal.",
    "Referred for imaging.",
    "Follow-up in two weeks.",
]
PRESCRIPTIONS = [
    "",
    "Ibuprofen 400 mg, every 8 h for 5 days",
    "Amoxicillin 500 mg, 3×/day for 7 days",
    "Lisinopril 10 mg once daily",
    "Salbutamol inhaler as needed",
]


def _clinic_timezone() -> str:
    """The demo clinic lives in the machine's time zone, so "today" on the board is the user's today."""
    if os.environ.get("CLINIC_TIMEZONE"):
        return os.environ["CLINIC_TIMEZONE"]
    etc = Path("/etc/timezone")
    if etc.exists() and etc.read_text().strip():
        return etc.read_text().strip()
    link = Path("/etc/localtime")
    if link.is_symlink() and "zoneinfo/" in str(link.resolve()):
        return str(link.resolve()).split("zoneinfo/", 1)[1]
    return "UTC"


def seed(session: Session, *, now: datetime | None = None) -> str:
    existing = session.scalar(select(Clinic).where(Clinic.name == DEMO_CLINIC))
    if existing is not None:
        return _summary(existing, created=False)
    now = now or datetime.now(UTC)
    rng = random.Random(20261125)
    clinic = Clinic(
        name=DEMO_CLINIC,
        timezone=_clinic_timezone(),
        address="12 Harbour Street",
        phone="+1 555 0100",
        overdue_wait_minutes=20,
    )
    session.add(clinic)
    session.flush()
    tz = ZoneInfo(clinic.timezone)
    password_hash = hash_password(DEMO_PASSWORD)

    def user(username: str, full_name: str, role: Role, clinic_id: int | None) -> User:
        existing_user = session.scalar(select(User).where(User.username == username))
        if existing_user is not None:  # e.g. an admin made earlier with create-admin
            return existing_user
        u = User(username=username, password_hash=password_hash, full_name=full_name, role=role, clinic_id=clinic_id)
        session.add(u)
        session.flush()
        return u

    user("admin", "Clinic Administrator", Role.ADMIN, None)
    reception = user("reception", "Rita Reception", Role.RECEPTIONIST, clinic.id)
    house = Doctor(
        user_id=user("dr.house", "Dr. Gregory House", Role.DOCTOR, clinic.id).id,
        clinic_id=clinic.id,
        specialty="Diagnostic medicine",
        phone="+1 555 0111",
        commission_rate=Decimal("0.6000"),
    )
    grey = Doctor(
        user_id=user("dr.grey", "Dr. Meredith Grey", Role.DOCTOR, clinic.id).id,
        clinic_id=clinic.id,
        specialty="General surgery",
        phone="+1 555 0122",
        commission_rate=Decimal("0.5500"),
    )
    session.add_all([house, grey])
    session.flush()

    # Weekly hours: House Mon–Fri 09–17; Grey Mon–Sat 08–14 plus Tue/Thu afternoons.
    hours = {
        house.id: {d: range(9, 17) for d in range(5)},
        grey.id: {d: range(8, 14) for d in range(6)} | {1: range(8, 18), 3: range(8, 18)},
    }
    for doctor_id, week in hours.items():
        session.add_all(
            DoctorSchedule(doctor_id=doctor_id, day_of_week=d, hour=h, is_available=True)
            for d, hs in week.items()
            for h in hs
        )

    services = [
        Service(clinic_id=clinic.id, name="General consultation", price=Decimal("80.00"), duration_minutes=30),
        Service(clinic_id=clinic.id, name="Follow-up visit", price=Decimal("50.00"), duration_minutes=15),
        Service(
            clinic_id=clinic.id,
            name="ECG",
            price=Decimal("120.00"),
            duration_minutes=30,
            doctor_share_rate=Decimal("0.3000"),
        ),
        Service(clinic_id=clinic.id, name="Minor procedure", price=Decimal("200.00"), duration_minutes=60),
    ]
    session.add_all(services)
    session.flush()

    patients = []
    for i in range(40):
        patients.append(
            Patient(
                clinic_id=clinic.id,
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                phone=f"+1 555 {2000 + i * 37:04d}",
                date_of_birth=date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                gender=rng.choice(["F", "M"]),
                medical_history=rng.choice(HISTORY),
                allergies=rng.choice(ALLERGIES),
            )
        )
    session.add_all(patients)
    session.flush()

    doctors = [house, grey]
    rates = {house.id: house.commission_rate, grey.id: grey.commission_rate}
    queue_numbers: dict[date, int] = {}
    today = now.astimezone(tz).date()

    def local(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tz).astimezone(UTC)

    def add_visit(
        day: date,
        hour: int,
        minute: int,
        doctor: Doctor,
        status: VisitStatus,
        appointment: Appointment | None = None,
        wait: int | None = None,
    ) -> Visit:
        queue_numbers[day] = queue_numbers.get(day, 0) + 1
        service = appointment.service if appointment else rng.choice(services)
        patient = appointment.patient if appointment else rng.choice(patients)
        check_in = local(day, hour, minute)
        start = check_in + timedelta(minutes=wait if wait is not None else rng.randint(3, 25))
        visit = Visit(
            clinic_id=clinic.id,
            patient=patient,
            doctor=doctor,
            service=service,
            appointment=appointment,
            queue_date=day,
            queue_number=queue_numbers[day],
            status=status,
            check_in_time=check_in,
            start_time=start if status in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED) else None,
            end_time=start + timedelta(minutes=service.duration_minutes) if status == VisitStatus.COMPLETED else None,
            notes=rng.choice(NOTES) if status == VisitStatus.COMPLETED else "",
            prescription=rng.choice(PRESCRIPTIONS) if status == VisitStatus.COMPLETED else "",
            created_at=check_in,
            updated_at=check_in,
        )
        session.add(visit)
        session.flush()
        trail = {
            VisitStatus.WAITING: [VisitStatus.WAITING],
            VisitStatus.IN_PROGRESS: [VisitStatus.WAITING, VisitStatus.IN_PROGRESS],
            VisitStatus.COMPLETED: [VisitStatus.WAITING, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED],
            VisitStatus.CANCELLED: [VisitStatus.WAITING, VisitStatus.CANCELLED],
        }[status]
        previous = None
        for step in trail:
            session.add(
                VisitStatusChange(
                    visit_id=visit.id,
                    from_status=previous,
                    to_status=step,
                    changed_by=reception.id,
                    changed_at=check_in,
                )
            )
            previous = step
        return visit

    def add_payment(visit: Visit, status: PaymentStatus) -> None:
        rate = visit.service.doctor_share_rate or rates[visit.doctor_id]
        doctor_share, center_share = split_amount(visit.service.price, rate)
        paid_at = (visit.end_time or visit.check_in_time) + timedelta(minutes=5)
        session.add(
            Payment(
                visit_id=visit.id,
                amount=visit.service.price,
                doctor_share=doctor_share,
                center_share=center_share,
                status=status,
                method=rng.choice(list(PaymentMethod)),
                paid_at=paid_at if status != PaymentStatus.PENDING else None,
                refunded_at=paid_at + timedelta(days=1) if status == PaymentStatus.REFUNDED else None,
                created_by=reception.id,
                created_at=paid_at,
                updated_at=paid_at,
            )
        )

    # Ninety days of history: completed visits, mostly paid, some pending or refunded, a few cancellations.
    for days_ago in range(90, 0, -1):
        day = today - timedelta(days=days_ago)
        if day.weekday() == 6:
            continue
        for _ in range(rng.randint(2, 6)):
            doctor = rng.choice(doctors)
            if rng.random() < 0.06:
                add_visit(day, rng.randint(9, 15), rng.choice([0, 15, 30, 45]), doctor, VisitStatus.CANCELLED)
                continue
            visit = add_visit(day, rng.randint(9, 15), rng.choice([0, 15, 30, 45]), doctor, VisitStatus.COMPLETED)
            roll = rng.random()
            add_payment(
                visit,
                PaymentStatus.PAID if roll < 0.82 else PaymentStatus.PENDING if roll < 0.93 else PaymentStatus.REFUNDED,
            )

    # Upcoming appointments for the next 30 days, inside each doctor's hours, never overlapping.
    booked: set[tuple[int, datetime]] = set()
    booked_appointments: list[Appointment] = []
    for days_ahead in range(0, 31):
        day = today + timedelta(days=days_ahead)
        for doctor in doctors:
            day_hours = list(hours[doctor.id].get(day.weekday(), []))
            if not day_hours:
                continue
            for hour in rng.sample(day_hours, k=min(len(day_hours), rng.randint(1, 3))):
                start = local(day, hour, rng.choice([0, 30]))
                if start <= now or (doctor.id, start) in booked:
                    continue
                booked.add((doctor.id, start))
                service = rng.choice(services[:3])
                booked_appointments.append(
                    Appointment(
                        clinic_id=clinic.id,
                        patient=rng.choice(patients),
                        doctor=doctor,
                        service=service,
                        start_time=start,
                        end_time=start + timedelta(minutes=min(service.duration_minutes, 30)),
                        status=AppointmentStatus.CONFIRMED,
                        created_by=reception.id,
                    )
                )
    session.add_all(booked_appointments)
    session.flush()
    for appt in booked_appointments:  # their timelines begin with the booking, as the desk's bookings do
        appointment_audit.record(
            session, appt, "BOOKED", actor_id=reception.id, detail=appointment_audit.slot_words(appt, clinic.timezone)
        )

    # Today's queue: a few done, one with each doctor, several waiting (one overdue).
    local_now = now.astimezone(tz)
    earliest = local_now - timedelta(hours=2)
    for offset, doctor, status, pay in [
        (110, house, VisitStatus.COMPLETED, PaymentStatus.PAID),
        (95, grey, VisitStatus.COMPLETED, PaymentStatus.PENDING),
        (50, house, VisitStatus.IN_PROGRESS, None),
        (40, grey, VisitStatus.IN_PROGRESS, None),
        (32, house, VisitStatus.WAITING, None),
        (12, grey, VisitStatus.WAITING, None),
        (6, house, VisitStatus.WAITING, None),
    ]:
        moment = max(local_now - timedelta(minutes=offset), earliest)
        if moment.date() != today:  # just after local midnight: keep today's queue on today
            moment = datetime.combine(today, time(0, 1), tz)
        visit = add_visit(today, moment.hour, moment.minute, doctor, status, wait=min(offset // 3, 15))
        if pay is not None:
            add_payment(visit, pay)
    session.commit()
    return _summary(clinic, created=True)


def _summary(clinic: Clinic, *, created: bool) -> str:
    state = "seeded" if created else "already present"
    return (
        f"{DEMO_CLINIC} {state} (clinic id {clinic.id}, time zone {clinic.timezone}).\n"
        f"Log in with password {DEMO_PASSWORD!r} as: admin (ADMIN), reception (RECEPTIONIST), "
        f"dr.house and dr.grey (DOCTOR)."
    )
