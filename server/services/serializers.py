"""ORM rows → wire schemas (common.schemas), and the eager-load options each serializer needs.

Query with the matching `*_LOAD` options so serializing never triggers a lazy load per row. Many-to-one rows
are joined into the query itself (joinedload): selectinload would add one statement per 500 distinct rows, so
a long list would cost more statements than a short one. Collections use selectinload (one statement).
"""

from sqlalchemy.orm import joinedload, selectinload

from common.enums import phase_of
from common.schemas import (
    AppointmentBrief,
    AppointmentOut,
    DoctorBrief,
    PatientBrief,
    PatientOut,
    PaymentDetail,
    PaymentOut,
    ServiceBrief,
    VisitDetail,
    VisitOut,
)
from server.models import Appointment, Doctor, Patient, Payment, Service, Visit

# Doctor.user is lazy="joined", so loading a doctor also brings the name shown in DoctorBrief.
VISIT_LOAD = (joinedload(Visit.patient), joinedload(Visit.doctor), joinedload(Visit.service))
VISIT_DETAIL_LOAD = (*VISIT_LOAD, joinedload(Visit.appointment), selectinload(Visit.payments))
APPOINTMENT_LOAD = (joinedload(Appointment.patient), joinedload(Appointment.doctor), joinedload(Appointment.service))
PAYMENT_DETAIL_LOAD = (
    joinedload(Payment.visit).joinedload(Visit.patient),
    joinedload(Payment.visit).joinedload(Visit.doctor),
    joinedload(Payment.visit).joinedload(Visit.service),
)


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


def _visit_fields(visit: Visit) -> dict:
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
        "version": visit.version,
        "patient": patient_brief(visit.patient),
        "doctor": doctor_brief(visit.doctor),
        "service": service_brief(visit.service),
    }


def visit_out(visit: Visit) -> VisitOut:
    return VisitOut(**_visit_fields(visit))


def visit_detail(visit: Visit) -> VisitDetail:
    """Needs VISIT_DETAIL_LOAD."""
    return VisitDetail(
        **_visit_fields(visit),
        patient_detail=patient_out(visit.patient),
        appointment=appointment_brief(visit.appointment) if visit.appointment else None,
        payments=[payment_out(p) for p in visit.payments],
    )


def appointment_out(appt: Appointment) -> AppointmentOut:
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
        created_by=appt.created_by,
        patient=patient_brief(appt.patient),
        doctor=doctor_brief(appt.doctor),
        service=service_brief(appt.service),
    )


def _payment_fields(p: Payment) -> dict:
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
