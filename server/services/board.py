"""The reception board (GET /queue) and the orders every waiting list shares (the board, call-next, the doctor's
next patients, the waiting-room screen's next numbers): by priority, then check-in."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from common.enums import PRIORITY_RANK, PaymentStatus, Phase, VisitStatus, phase_of
from common.schemas import QueueBoard, QueueEntry, QueueQuery
from server.core.db import utcnow
from server.models import Payment, User, Visit
from server.services import audience
from server.services.clinic_time import local_today
from server.services.queue_day import on_queue
from server.services.scope import doctor_filter, get_clinic
from server.services.serializers import VISIT_LOAD, queue_entry

S = VisitStatus
WAITING_STATUSES = (S.WAITING, S.CALLED)


# --- orders and columns computed in SQL ------------------------------------------------------------------------


def priority_rank() -> ColumnElement[int]:
    """PRIORITY_RANK as SQL (lower first)."""
    return case(*((Visit.priority == p, literal(rank)) for p, rank in PRIORITY_RANK.items()), else_=literal(99))


def waiting_order() -> tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...]:
    """ORDER BY of a list of visits: waiting ones (WAITING, CALLED) by priority, then check-in; the others keep
    queue-number order after them (their two first keys are constants)."""
    waiting = Visit.status.in_(WAITING_STATUSES)
    return (
        case((waiting, priority_rank()), else_=literal(-1)),
        case((waiting, Visit.check_in_time), else_=None),
        Visit.queue_number,
        Visit.id,
    )


def payment_status_column() -> ColumnElement[Any]:
    """The visit's live payment's status (PENDING or PAID), else its last one's (REFUNDED), else NULL: one
    correlated subquery, so a board of any size costs one statement."""
    live = case((Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.PAID)), 0), else_=1)
    return (
        select(Payment.status)
        .where(Payment.visit_id == Visit.id)
        .order_by(live, Payment.id.desc())
        .limit(1)
        .correlate(Visit)
        .scalar_subquery()
    )


def wait_minutes(visit: Visit, now: datetime) -> int:
    """Minutes waited: until now while waiting, else until the consultation started."""
    waiting = phase_of(visit.status) == Phase.WAITING
    until = now if waiting else (visit.start_time or visit.end_time or now)
    return max(0, int((until - visit.check_in_time).total_seconds() // 60))


def queue_board(session: Session, *, actor: User, query: QueueQuery, now: datetime | None = None) -> QueueBoard:
    """GET /queue: the clinic's visits of a local day grouped by phase (cancelled visits are left off); today's
    board also holds the visits still open from earlier days (services/queue_day.py)."""
    doctor_id = doctor_filter(session, actor, query.doctor_id)  # a doctor: their own column of their own clinic
    clinic = get_clinic(session, actor, query.clinic_id)
    now = now or utcnow()
    today = local_today(clinic.timezone, now)
    day = query.day or today
    stmt = (
        select(Visit, payment_status_column())
        .options(*VISIT_LOAD)
        .where(Visit.clinic_id == clinic.id, on_queue(day, today), Visit.status != S.CANCELLED)
        .order_by(*waiting_order())  # the waiting column by priority, then check-in
    )
    if doctor_id is not None:
        stmt = stmt.where(Visit.doctor_id == doctor_id)
    columns: dict[Phase, list[QueueEntry]] = {phase: [] for phase in Phase}
    for visit, paid in session.execute(stmt):
        waited = wait_minutes(visit, now)
        reader = audience.of(actor, doctor_id=visit.doctor_id)
        entry = queue_entry(
            visit,
            reader,
            wait_minutes=waited,
            is_overdue=waited > clinic.overdue_wait_minutes,
            payment_status=PaymentStatus(paid) if paid is not None else None,
        )
        phase = phase_of(visit.status)
        if phase is not None:
            columns[phase].append(entry)
    return QueueBoard(
        date=day,
        clinic_id=clinic.id,
        overdue_wait_minutes=clinic.overdue_wait_minutes,
        waiting=columns[Phase.WAITING],
        with_doctor=columns[Phase.WITH_DOCTOR],
        completed=columns[Phase.COMPLETED],
    )
