"""GET /visits/{id}/timeline: what happened to one visit, oldest first, each line with who and when.

Read with two statements after the visit itself (scope.resolve decides who may read it, exactly as for
GET /visits/{id}): the status, priority and appointment changes in one UNION ALL, and the payments, each joined to
its user. A status change to CALLED is shown as a `call` (detail: the room of that call). The changes of the
visit's appointment come whole, from its booking on (`appointment`: to is BOOKED, RESCHEDULED, NOTES or the new
status; detail the slot, or a reason). GET /appointments/{id}/timeline is the appointment's own part alone.

A payment gives up to three lines: created (by `created_by`), paid (`paid_by`) and refunded (`refunded_by`).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, String, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from common.enums import VisitStatus
from common.schemas import TimelineEntry
from server.models import (
    Appointment,
    AppointmentChange,
    Payment,
    User,
    Visit,
    VisitPriorityChange,
    VisitStatusChange,
)
from server.services.scope import resolve


def _changes(session: Session, visit_id: int, appointment_id: int | None) -> list[TimelineEntry]:
    status = (
        select(
            literal("status").label("kind"),
            VisitStatusChange.changed_at.label("at"),
            VisitStatusChange.id.label("seq"),
            VisitStatusChange.changed_by.label("by_id"),
            User.full_name.label("by_name"),
            cast(VisitStatusChange.from_status, String).label("from_value"),
            cast(VisitStatusChange.to_status, String).label("to_value"),
            func.coalesce(VisitStatusChange.room, "").label("detail"),
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
            literal("").label("detail"),
        )
        .outerjoin(User, User.id == VisitPriorityChange.changed_by)
        .where(VisitPriorityChange.visit_id == visit_id)
    )
    parts = [status, priority]
    if appointment_id is not None:
        parts.append(_appointment_changes(appointment_id))
    both = union_all(*parts).subquery()
    rows = session.execute(select(both).order_by(both.c.at, both.c.kind, both.c.seq)).all()
    return [_entry(r) for r in rows]


def _appointment_changes(appointment_id: int) -> Select[Any]:
    to_value = case(
        (AppointmentChange.action == "STATUS", cast(AppointmentChange.to_status, String)),
        else_=AppointmentChange.action,
    )
    return (
        select(
            literal("appointment").label("kind"),
            AppointmentChange.changed_at.label("at"),
            AppointmentChange.id.label("seq"),
            AppointmentChange.changed_by.label("by_id"),
            User.full_name.label("by_name"),
            cast(AppointmentChange.from_status, String).label("from_value"),
            to_value.label("to_value"),
            AppointmentChange.detail.label("detail"),
        )
        .outerjoin(User, User.id == AppointmentChange.changed_by)
        .where(AppointmentChange.appointment_id == appointment_id)
    )


def _entry(r: Row[Any]) -> TimelineEntry:
    return TimelineEntry(
        kind=r.kind,
        at=r.at,
        by_user_id=r.by_id,
        by_name=r.by_name,
        from_value=r.from_value,
        to_value=r.to_value,
        detail=r.detail,
    )


def _payments(session: Session, visit_id: int) -> list[TimelineEntry]:
    creator, payer, refunder = aliased(User), aliased(User), aliased(User)
    rows = session.execute(
        select(Payment, creator.full_name, payer.full_name, refunder.full_name)
        .outerjoin(creator, creator.id == Payment.created_by)
        .outerjoin(payer, payer.id == Payment.paid_by)
        .outerjoin(refunder, refunder.id == Payment.refunded_by)
        .where(Payment.visit_id == visit_id)
        .order_by(Payment.id)
    ).all()
    entries: list[TimelineEntry] = []
    for payment, created_name, paid_name, refunded_name in rows:
        detail = f"{payment.amount:.2f} {payment.method.value}"

        def line(at: datetime, to: str, by: int | None, name: str | None, detail: str = detail) -> TimelineEntry:
            return TimelineEntry(kind="payment", at=at, to_value=to, detail=detail, by_user_id=by, by_name=name)

        entries.append(line(payment.created_at, "CREATED", payment.created_by, created_name))
        if payment.paid_at is not None:
            entries.append(line(payment.paid_at, "PAID", payment.paid_by, paid_name))
        if payment.refunded_at is not None:
            entries.append(line(payment.refunded_at, "REFUNDED", payment.refunded_by, refunded_name))
    return entries


def visit_timeline(session: Session, *, actor: User, visit_id: int) -> list[TimelineEntry]:
    """Status changes (a change to CALLED as a `call` with its room), priority changes, the visit's appointment's
    changes and payments, oldest first; the same readers as the visit (another clinic's → 404, another doctor's →
    403)."""
    visit = resolve(session, actor, Visit, visit_id)
    entries = _changes(session, visit.id, visit.appointment_id)
    for entry in entries:
        if entry.kind == "status" and entry.to_value == VisitStatus.CALLED.value:
            entry.kind = "call"
    entries += _payments(session, visit.id)
    order = {"appointment": 0, "status": 1, "call": 1, "priority": 2, "payment": 3}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 4)))  # stable: same instant keeps the reading order
    return entries


def appointment_timeline(session: Session, *, actor: User, appointment_id: int) -> list[TimelineEntry]:
    """The appointment's own changes (booked, rescheduled, notes, statuses), oldest first; the same readers as
    the appointment."""
    appt = resolve(session, actor, Appointment, appointment_id)
    rows = session.execute(_appointment_changes(appt.id).order_by(AppointmentChange.changed_at, AppointmentChange.id))
    return [_entry(r) for r in rows]
