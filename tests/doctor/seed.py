"""Committed test data for the doctor app tests (they run against the live server process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus, Role, VisitStatus
from server.models import Appointment, Clinic, Doctor, Patient, Service, User, Visit
from tests.factories import make_clinic, make_doctor, make_patient, make_payment, make_service, make_user, make_visit


@dataclass
class Scene:
    clinic: Clinic
    doctor: Doctor  # the doctor whose app is under test
    other_doctor: Doctor
    receptionist: User
    service: Service
    patient: Patient
    appointment: Appointment
    visit: Visit  # today, WAITING, from the appointment
    own_history: list[Visit] = field(default_factory=list)  # the patient's earlier visits with `doctor`
    foreign_history: list[Visit] = field(default_factory=list)  # ... with `other_doctor`

    @property
    def doctor_username(self) -> str:
        return self.doctor.user.username

    @property
    def other_username(self) -> str:
        return self.other_doctor.user.username


def make_scene(session: Session) -> Scene:
    now = datetime.now(UTC)
    clinic = make_clinic(session)
    doctor = make_doctor(session, clinic, specialty="Cardiology")
    other = make_doctor(session, clinic, specialty="Dermatology")
    receptionist = make_user(session, role=Role.RECEPTIONIST, clinic=clinic)
    service = make_service(session, clinic, name="Cardiac check-up", price="120.00")
    other_service = make_service(session, clinic, name="Skin exam", price="80.00")
    patient = make_patient(
        session,
        clinic,
        full_name="Alice Harper",
        date_of_birth=date(1984, 2, 29),
        gender="F",
        medical_history="Hypertension since 2015",
        allergies="Penicillin",
    )
    own = []
    for i, (notes, rx) in enumerate([("BP stable", "Amlodipine 5 mg"), ("Chest pain follow-up", "Aspirin 81 mg")]):
        when = now - timedelta(days=30 * (i + 1))
        v = make_visit(
            session,
            patient=patient,
            doctor=doctor,
            service=service,
            status=VisitStatus.COMPLETED,
            check_in_time=when,
            notes=notes,
            prescription=rx,
        )
        make_payment(session, v, amount="120.00", paid_at=when)
        own.append(v)
    foreign = []
    for i in range(2):
        when = now - timedelta(days=10 * (i + 1))
        v = make_visit(
            session,
            patient=patient,
            doctor=other,
            service=other_service,
            status=VisitStatus.COMPLETED,
            check_in_time=when,
            notes=f"Dermatology secret note {i}",
            prescription="Hydrocortisone cream",
        )
        foreign.append(v)
    start = now - timedelta(minutes=20)
    appointment = Appointment(
        clinic_id=clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=AppointmentStatus.CHECKED_IN,
        created_by=receptionist.id,
    )
    session.add(appointment)
    session.flush()
    visit = make_visit(
        session,
        patient=patient,
        doctor=doctor,
        service=service,
        appointment_id=appointment.id,
        check_in_time=now - timedelta(minutes=12),
    )
    session.commit()
    for obj in (doctor, other):
        session.refresh(obj)
    return Scene(clinic, doctor, other, receptionist, service, patient, appointment, visit, own, foreign)


def add_waiting(session: Session, scene: Scene, *, name: str, minutes_ago: int = 5) -> Visit:
    patient = make_patient(session, scene.clinic, full_name=name)
    visit = make_visit(
        session,
        patient=patient,
        doctor=scene.doctor,
        service=scene.service,
        check_in_time=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )
    session.commit()
    return visit


def seed_earnings(session: Session, scene: Scene) -> None:
    """Payments on `scene.doctor` in every status and method over several days; also some for the other doctor."""
    now = datetime.now(UTC)
    plan = [
        (3, PaymentStatus.PAID, PaymentMethod.CASH, "100.00"),
        (3, PaymentStatus.PAID, PaymentMethod.CARD, "250.00"),
        (5, PaymentStatus.PAID, PaymentMethod.INSURANCE, "80.00"),
        (5, PaymentStatus.REFUNDED, PaymentMethod.CARD, "60.00"),
        (8, PaymentStatus.PAID, PaymentMethod.TRANSFER, "140.00"),
        (0, PaymentStatus.PENDING, PaymentMethod.CASH, "90.00"),
        (0, PaymentStatus.PENDING, PaymentMethod.CARD, "45.50"),
        (12, PaymentStatus.PAID, PaymentMethod.CASH, "33.33"),
    ]
    for days_ago, status, method, amount in plan:
        when = now - timedelta(days=days_ago, hours=1)
        patient = make_patient(session, scene.clinic)
        v = make_visit(
            session,
            patient=patient,
            doctor=scene.doctor,
            service=scene.service,
            status=VisitStatus.COMPLETED,
            check_in_time=when,
        )
        make_payment(session, v, amount=amount, status=status, method=method, paid_at=when)
    foreign = make_visit(
        session,
        patient=scene.patient,
        doctor=scene.other_doctor,
        service=scene.service,
        status=VisitStatus.COMPLETED,
        check_in_time=now - timedelta(days=2),
    )
    make_payment(session, foreign, amount="999.00")
    session.commit()
