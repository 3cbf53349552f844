"""ORM rows → wire schemas (common.schemas): the one place for it, and the eager-load options each needs.

Services answer with what these return; routes return what services answer. A serializer whose schema carries
fields not every reader may see takes the reader's `Audience` (services/audience.py) and redacts through it.

Query with the matching `*_LOAD` options so serializing never triggers a lazy load per row. Many-to-one rows
are joined into the query itself (joinedload): selectinload would add one statement per 500 distinct rows, so
a long list would cost more statements than a short one. Collections use selectinload (one statement).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import joinedload, selectinload

from common.enums import PaymentStatus, phase_of
from common.schemas import (
    AppointmentBrief,
    AppointmentOut,
    ClinicOut,
    DoctorBrief,
    DoctorOut,
    DoctorPatient,
    EarningRow,
    HistoryVisit,
    PatientBrief,
    PatientOut,
    PaymentDetail,
    PaymentOut,
    QueueEntry,
    ScheduleOut,
    ScheduleSlot,
    ServiceBrief,
    ServiceOut,
    UserOut,
    VisitDetail,
    VisitOut,
)
from server.models import Appointment, Clinic, Doctor, DoctorSchedule, Patient, Payment, Service, User, Visit
from server.services.audience import Audience, redact

# Doctor.user is lazy="joined", so loading a doctor also brings the name shown in DoctorBrief.
VISIT_LOAD = (joinedload(Visit.patient), joinedload(Visit.doctor), joinedload(Visit.service))
VISIT_DETAIL_LOAD = (*VISIT_LOAD, joinedload(Visit.appointment), selectinload(Visit.payments))
APPOINTMENT_LOAD = (joinedload(Appointment.patient), joinedload(Appointment.doctor), joinedload(Appointment.service))
PAYMENT_DETAIL_LOAD = (
    joinedload(Payment.visit).joinedload(Visit.patient),
    joinedload(Payment.visit).joinedload(Visit.doctor),
    joinedload(Payment.visit).joinedload(Visit.service),
)

# --- admin: clinics, users, doctors, services ----------------------------------------------------------------


def clinic_out(clinic: Clinic) -> ClinicOut:
    return ClinicOut.model_validate(clinic)


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        clinic_id=user.clinic_id,
        doctor_id=user.doctor.id if user.doctor is not None else None,
        is_active=user.is_active,
    )


def doctor_out(doctor: Doctor, audience: Audience) -> DoctorOut:
    return redact(DoctorOut.model_validate(doctor), audience)


def schedule_out(doctor_id: int, rows: list[DoctorSchedule]) -> ScheduleOut:
    return ScheduleOut(doctor_id=doctor_id, slots=[ScheduleSlot.model_validate(r) for r in rows])


def service_out(service: Service) -> ServiceOut:
    return ServiceOut.model_validate(service)


# --- briefs --------------------------------------------------------------------------------------------------


def patient_brief(patient: Patient) -> PatientBrief:
    return PatientBrief(id=patient.id, full_name=patient.full_name, phone=patient.phone)


def patient_out(patient: Patient) -> PatientOut:
    return PatientOut.model_validate(patient)


def doctor_brief(doctor: Doctor) -> DoctorBrief:
    return DoctorBrief(id=doctor.id, full_name=doctor.full_name, specialty=doctor.specialty)


def service_brief(service: Service) -> ServiceBrief:
    return ServiceBrief(
        id=service.id, name=service.name, price=service.price, duration_minutes=service.duration_minutes
    )


def appointment_brief(appt: Appointment) -> AppointmentBrief:
    return AppointmentBrief(id=appt.id, start_time=appt.start_time, end_time=appt.end_time, status=appt.status)


# --- visits --------------------------------------------------------------------------------------------------


def _visit_fields(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.id,
        "clinic_id": visit.clinic_id,
        "patient_id": visit.patient_id,
        "doctor_id": visit.doctor_id,
        "service_id": visit.service_id,
        "appointment_id": visit.appointment_id,
        "queue_date": visit.queue_date,
        "queue_number": visit.queue_number,
        "status": visit.status,
        "phase": phase_of(visit.status),
        "check_in_time": visit.check_in_time,
        "start_time": visit.start_time,
        "end_time": visit.end_time,
        "notes": visit.notes,
        "prescription": visit.prescription,
        "checkin_note": visit.checkin_note,
        "priority": visit.priority,
        "room": visit.room,
        "called_at": visit.called_at,
        "version": visit.version,
        "patient": patient_brief(visit.patient),
        "doctor": doctor_brief(visit.doctor),
        "service": service_brief(visit.service),
    }


def visit_out(visit: Visit, audience: Audience) -> VisitOut:
    """Needs VISIT_LOAD."""
    return redact(VisitOut(**_visit_fields(visit)), audience)


def queue_entry(
    visit: Visit,
    audience: Audience,
    *,
    wait_minutes: int,
    is_overdue: bool,
    payment_status: PaymentStatus | None = None,
) -> QueueEntry:
    """Needs VISIT_LOAD."""
    entry = QueueEntry(
        **_visit_fields(visit), wait_minutes=wait_minutes, is_overdue=is_overdue, payment_status=payment_status
    )
    return redact(entry, audience)


def visit_detail(visit: Visit, audience: Audience) -> VisitDetail:
    """Needs VISIT_DETAIL_LOAD."""
    detail = VisitDetail(
        **_visit_fields(visit),
        patient_detail=patient_out(visit.patient),
        appointment=appointment_brief(visit.appointment) if visit.appointment else None,
        payments=[payment_out(p) for p in visit.payments],
    )
    return redact(detail, audience)


def history_visit(
    visit: Visit, amount: Decimal, doctor_share: Decimal, payment_status: str | None, *, audience: Audience
) -> HistoryVisit:
    """A visit of services/history.py's select (service and appointment joined, PAID sums, latest status)."""
    row = HistoryVisit(
        id=visit.id,
        status=visit.status,
        check_in_time=visit.check_in_time,
        start_time=visit.start_time,
        end_time=visit.end_time,
        notes=visit.notes,
        prescription=visit.prescription,
        service=service_brief(visit.service),
        appointment=appointment_brief(visit.appointment) if visit.appointment else None,
        payment_status=PaymentStatus(payment_status) if payment_status is not None else None,
        amount=amount,
        doctor_share=doctor_share,
    )
    return redact(row, audience)


# --- appointments, payments ----------------------------------------------------------------------------------


def appointment_out(appt: Appointment) -> AppointmentOut:
    """Needs APPOINTMENT_LOAD."""
    return AppointmentOut(
        id=appt.id,
        clinic_id=appt.clinic_id,
        patient_id=appt.patient_id,
        doctor_id=appt.doctor_id,
        service_id=appt.service_id,
        start_time=appt.start_time,
        end_time=appt.end_time,
        status=appt.status,
        notes=appt.notes,
        cancel_reason=appt.cancel_reason or "",
        created_by=appt.created_by,
        patient=patient_brief(appt.patient),
        doctor=doctor_brief(appt.doctor),
        service=service_brief(appt.service),
    )


def _payment_fields(p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "visit_id": p.visit_id,
        "amount": p.amount,
        "doctor_share": p.doctor_share,
        "center_share": p.center_share,
        "status": p.status,
        "method": p.method,
        "paid_at": p.paid_at,
        "refunded_at": p.refunded_at,
        "created_by": p.created_by,
        "created_at": p.created_at,
    }


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(**_payment_fields(p))


def payment_detail(p: Payment) -> PaymentDetail:
    """Needs PAYMENT_DETAIL_LOAD."""
    visit = p.visit
    return PaymentDetail(
        **_payment_fields(p),
        doctor_id=visit.doctor_id,
        patient=patient_brief(visit.patient),
        doctor=doctor_brief(visit.doctor),
        service=service_brief(visit.service),
        queue_number=visit.queue_number,
        visit_date=visit.queue_date,
    )


# --- the doctor portal's rows (columns of one select each) -----------------------------------------------------


def earning_row(r: Row[*tuple[Any, ...]]) -> EarningRow:
    """A row of services/earnings.py's select: payment id, visit id, date, patient, service, money, status."""
    return EarningRow(
        payment_id=r[0],
        visit_id=r[1],
        date=r[2],
        patient_name=r[3],
        service_name=r[4],
        amount=r[5],
        doctor_share=r[6],
        status=r[7],
        method=r[8],
    )


def doctor_patient(p: Patient, last_visit: datetime, total_visits: int) -> DoctorPatient:
    return DoctorPatient(
        id=p.id,
        full_name=p.full_name,
        phone=p.phone,
        date_of_birth=p.date_of_birth,
        gender=p.gender,
        last_visit=last_visit,
        total_visits=total_visits,
    )
