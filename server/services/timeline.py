"""GET /visits/{id}/timeline: what happened to one visit, oldest first, each line with who and when.

Read with two statements after the visit itself (scope.resolve decides who may read it, exactly as for
GET /visits/{id}): the status and priority changes in one UNION ALL, and the payments, each joined to its user.
A status change to CALLED is shown as a `call` (detail: the room the visit was called to).

Payments record only who created them, so a payment's `created` line names its creator, and so does its
`paid` line when it was paid at creation (paid_at == created_at within the same request); a later pay or refund
names nobody (the table keeps no paid_by/refunded_by).
"""

from datetime import timedelta
from typing import Any

from sqlalchemy import String, cast, literal, select, union_all
from sqlalchemy.orm import Session

from common.enums import VisitStatus
from common.schemas import TimelineEntry
from server.models import Payment, User, Visit, VisitPriorityChange, VisitStatusChange
from server.services.scope import resolve

_SAME_REQUEST = timedelta(seconds=5)


def _changes(session: Session, visit_id: int) -> list[TimelineEntry]:
    status = (
        select(
            literal("status").label("kind"),
            VisitStatusChange.changed_at.label("at"),
            VisitStatusChange.id.label("seq"),
            VisitStatusChange.changed_by.label("by_id"),
            User.full_name.label("by_name"),
            cast(VisitStatusChange.from_status, String).label("from_value"),
            cast(VisitStatusChange.to_status, String).label("to_value"),
        )
        .outerjoin(User, User.id == VisitStatusChange.changed_by)
        .where(VisitStatusChange.visit_id == visit_id)
    )
    priority = (
        select(
            literal("priority").label("kind"),
            VisitPriorityChange.changed_at.label("at"),
            VisitPriorityChange.id.label("seq"),
            VisitPriorityChange.changed_by.label("by_id"),
            User.full_name.label("by_name"),
            cast(VisitPriorityChange.from_priority, String).label("from_value"),
            cast(VisitPriorityChange.to_priority, String).label("to_value"),
        )
        .outerjoin(User, User.id == VisitPriorityChange.changed_by)
        .where(VisitPriorityChange.visit_id == visit_id)
    )
    both = union_all(status, priority).subquery()
    rows = session.execute(select(both).order_by(both.c.at, both.c.kind, both.c.seq)).all()
    return [
        TimelineEntry(
            kind=r.kind,
            at=r.at,
            by_user_id=r.by_id,
            by_name=r.by_name,
            from_value=r.from_value,
            to_value=r.to_value,
        )
        for r in rows
    ]


def _payments(session: Session, visit_id: int) -> list[TimelineEntry]:
    rows = session.execute(
        select(Payment, User.full_name)
        .outerjoin(User, User.id == Payment.created_by)
        .where(Payment.visit_id == visit_id)
        .order_by(Payment.id)
    ).all()
    entries: list[TimelineEntry] = []
    for payment, creator in rows:
        detail = f"{payment.amount:.2f} {payment.method.value}"
        who: dict[str, Any] = {"by_user_id": payment.created_by, "by_name": creator}
        nobody: dict[str, Any] = {"by_user_id": None, "by_name": None}
        entries.append(TimelineEntry(kind="payment", at=payment.created_at, to_value="CREATED", detail=detail, **who))
        if payment.paid_at is not None:
            at_creation = abs(payment.paid_at - payment.created_at) <= _SAME_REQUEST
            entries.append(
                TimelineEntry(
                    kind="payment",
                    at=payment.paid_at,
                    to_value="PAID",
                    detail=detail,
                    **(who if at_creation else nobody),
                )
            )
        if payment.refunded_at is not None:
            entries.append(
                TimelineEntry(kind="payment", at=payment.refunded_at, to_value="REFUNDED", detail=detail, **nobody)
            )
    return entries


def visit_timeline(session: Session, *, actor: User, visit_id: int) -> list[TimelineEntry]:
    """Status changes (a change to CALLED as a `call` with the room), priority changes and payments, oldest
    first; the same readers as the visit (another clinic's → 404, another doctor's → 403)."""
    visit = resolve(session, actor, Visit, visit_id)
    entries = _changes(session, visit.id)
    for entry in entries:
        if entry.kind == "status" and entry.to_value == VisitStatus.CALLED.value:
            entry.kind, entry.detail = "call", visit.room
    entries += _payments(session, visit.id)
    order = {"status": 0, "call": 0, "priority": 1, "payment": 2}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 3)))  # stable: same instant keeps the reading order
    return entries
