"""A patient's visits with one doctor: the last few for the `patient_with_doctor` event, and the paginated
history the doctor portal shows. Payment figures are computed in the same statement (no N+1)."""

from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, SQLColumnExpression, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from common.enums import PaymentStatus
from common.schemas import HistoryQuery, HistoryVisit, Page
from server.models import Doctor, Patient, Payment, User, Visit
from server.services import audience
from server.services.audience import Audience
from server.services.listing import paginate
from server.services.money import ZERO
from server.services.scope import resolve
from server.services.serializers import history_visit


def _paid_sum(column: SQLColumnExpression[Decimal]) -> ColumnElement[Decimal]:
    return (
        select(func.coalesce(func.sum(column), ZERO))
        .where(Payment.visit_id == Visit.id, Payment.status == PaymentStatus.PAID)
        .correlate(Visit)
        .scalar_subquery()
    )


Key = int | BindParameter[int]


def _history_select(*, patient_id: Key, doctor_id: Key, exclude_visit_id: Key | None) -> Select[*tuple[Any, ...]]:
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


# The history every send to a doctor carries (patient_with_doctor), built once with its values bound at each
# execution: building this select took ~0.5 ms of each move (issue 11, the push's stages).
_RECENT = _history_select(
    patient_id=bindparam("patient_id"), doctor_id=bindparam("doctor_id"), exclude_visit_id=bindparam("exclude")
).limit(bindparam("limit"))


def recent_visits_with_doctor(
    session: Session, *, patient_id: int, doctor_id: int, exclude_visit_id: int | None = None, limit: int = 10
) -> list[HistoryVisit]:
    """The patient's latest visits with this doctor, newest first, whole (no authorization: the caller checks, and
    the outbox shapes them for the doctor's room)."""
    values = {"patient_id": patient_id, "doctor_id": doctor_id, "exclude": exclude_visit_id or 0, "limit": limit}
    return [history_visit(*row, audience=Audience.ADMIN) for row in session.execute(_RECENT, values)]


def history_page(
    session: Session, *, actor: User, patient_id: int, doctor_id: int, query: HistoryQuery
) -> Page[HistoryVisit]:
    """GET /patients/{patient_id}/history/{doctor_id}: a doctor only their own patients with their own id; the
    desk within its clinic, without the clinical fields (scope.resolve decides 404 / 403)."""
    resolve(session, actor, Patient, patient_id)
    resolve(session, actor, Doctor, doctor_id)
    item = partial(history_visit, audience=audience.of(actor, doctor_id=doctor_id))
    stmt = _history_select(patient_id=patient_id, doctor_id=doctor_id, exclude_visit_id=None)
    return paginate(session, stmt, query, schema=HistoryVisit, item=item, scalars=False)
