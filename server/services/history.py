"""A patient's visits with one doctor: the last few for the `patient_with_doctor` event, and the paginated
history the doctor portal shows. Payment figures are computed in the same statement (no N+1)."""

from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, joinedload

from common.enums import PaymentStatus, Role
from common.schemas import HistoryVisit, Page
from server.core.errors import Forbidden, NotFound
from server.models import Patient, Payment, User, Visit
from server.services.auth import doctor_of
from server.services.listing import paginate
from server.services.money import ZERO
from server.services.scope import can_see
from server.services.serializers import appointment_brief, service_brief


def _paid_sum(column: ColumnElement) -> ColumnElement:
    return (
        select(func.coalesce(func.sum(column), ZERO))
        .where(Payment.visit_id == Visit.id, Payment.status == PaymentStatus.PAID)
        .correlate(Visit)
        .scalar_subquery()
    )


def _history_select(*, patient_id: int, doctor_id: int, exclude_visit_id: int | None) -> Select:
    # The latest payment by id decides the visit's payment status; amounts count PAID payments only.
    latest_status = (
        select(Payment.status)
        .where(Payment.visit_id == Visit.id)
        .order_by(Payment.id.desc())
        .limit(1)
        .correlate(Visit)
        .scalar_subquery()
    )
    stmt = (
        select(Visit, _paid_sum(Payment.amount), _paid_sum(Payment.doctor_share), latest_status)
        .options(joinedload(Visit.service), joinedload(Visit.appointment))
        .where(Visit.patient_id == patient_id, Visit.doctor_id == doctor_id)
    )
    if exclude_visit_id is not None:
        stmt = stmt.where(Visit.id != exclude_visit_id)
    return stmt.order_by(Visit.check_in_time.desc(), Visit.id.desc())  # newest first


def _to_history(visit: Visit, amount: Decimal, doctor_share: Decimal, payment_status: str | None) -> HistoryVisit:
    return HistoryVisit(
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


def recent_visits_with_doctor(
    session: Session, *, patient_id: int, doctor_id: int, exclude_visit_id: int | None = None, limit: int = 10
) -> list[HistoryVisit]:
    """The patient's latest visits with this doctor, newest first (no authorization: callers check)."""
    stmt = _history_select(patient_id=patient_id, doctor_id=doctor_id, exclude_visit_id=exclude_visit_id)
    return [_to_history(*row) for row in session.execute(stmt.limit(limit))]


def history_page(
    session: Session, *, actor: User, patient_id: int, doctor_id: int, page: int = 1, per_page: int = 20
) -> Page[HistoryVisit]:
    """GET /patients/{patient_id}/history/{doctor_id}: a doctor only for their own id; staff within their clinic."""
    if actor.role == Role.DOCTOR:
        me = doctor_of(actor)
        if me.id != doctor_id:
            raise Forbidden("a doctor may only read their own patients' history")
    patient = session.get(Patient, patient_id)
    if patient is None or not can_see(actor, patient.clinic_id):
        raise NotFound("patient not found")
    stmt = _history_select(patient_id=patient_id, doctor_id=doctor_id, exclude_visit_id=None)
    return paginate(session, stmt, page=page, per_page=per_page, schema=HistoryVisit, item=_to_history, scalars=False)
