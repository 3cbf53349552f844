"""The clinic floor's queue work beside the state machine: triage priority, calling a patient, "call next".

A call is the WAITING -> CALLED move of services/queue.py's one state machine (`change_visit_status`), which sets
the room and `called_at` and emits `visit_called`; this module only picks the visit and checks who may ask.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import events as ev
from common.enums import Priority, VisitStatus
from common.schemas import PriorityChangedEvent, QueueUpdatedEvent, VisitOut
from server.core.db import utcnow
from server.core.errors import Conflict, NotFound
from server.models import Clinic, Doctor, User, Visit, VisitPriorityChange
from server.services import audience, outbox
from server.services.board import priority_rank
from server.services.clinic_time import local_today
from server.services.locking import lock_row
from server.services.queue import ACTIVE_STATUSES, change_visit_status
from server.services.queue_day import on_queue
from server.services.scope import resolve
from server.services.serializers import visit_out


def set_priority(session: Session, *, actor: User, visit_id: int, priority: Priority) -> VisitOut:
    """Change an open visit's triage priority (the route admits the desk and admins), audited with who and when;
    `priority_changed` (and `queue_updated`, the waiting order changed) to the desk and the visit's doctor."""
    visit = resolve(session, actor, Visit, visit_id, field="visit_id", lock=True)
    if visit.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"the priority of a {visit.status.value.lower()} visit cannot change", current_status=visit.status.value
        )
    if visit.priority == priority:  # nothing changes: no audit row, no event
        return visit_out(visit, audience.of(actor, doctor_id=visit.doctor_id))
    previous = visit.priority
    visit.priority = priority
    visit.version += 1
    session.add(
        VisitPriorityChange(
            visit_id=visit.id, from_priority=previous, to_priority=priority, changed_by=actor.id, changed_at=utcnow()
        )
    )
    session.flush()
    rooms: dict[str, Any] = {"clinic_id": visit.clinic_id, "doctors": (visit.doctor_id,)}
    outbox.stage(session, ev.PRIORITY_CHANGED, PriorityChangedEvent(visit_id=visit.id, priority=priority), **rooms)
    outbox.stage(session, ev.QUEUE_UPDATED, QueueUpdatedEvent(visit_id=visit.id, reason="priority_changed"), **rooms)
    session.commit()
    return visit_out(visit, audience.of(actor, doctor_id=visit.doctor_id))


def call(session: Session, *, actor: User, visit_id: int, room: str = "") -> VisitOut:
    """WAITING -> CALLED (the desk, admins, the visit's own doctor), optionally to a room."""
    return change_visit_status(session, actor=actor, visit_id=visit_id, target=VisitStatus.CALLED, room=room)


def call_next(session: Session, *, actor: User, doctor_id: int, room: str = "") -> VisitOut:
    """Call the doctor's first WAITING visit of the clinic's today's queue, by priority then check-in. A doctor may call
    only their own next patient (scope.resolve: another doctor's id is 403, another clinic's 404).

    The candidate is then locked (FOR UPDATE, waiting for whoever holds it) and re-checked: when another call
    (a second call-next, or the desk calling or cancelling it) took it meanwhile, the next candidate is tried.
    So two call-next at once call two different patients, and the head of the queue is never passed over merely
    because some other transaction holds a lock on its row (a payment being taken references it: SKIP LOCKED
    used to skip it and call the next patient instead of the emergency)."""
    doctor = resolve(session, actor, Doctor, doctor_id, field="doctor_id")
    timezone = session.scalar(select(Clinic.timezone).where(Clinic.id == doctor.clinic_id)) or "UTC"
    today = local_today(timezone, utcnow())
    passed: list[int] = []  # candidates someone else took while this call waited for them
    while True:
        visit_id = session.scalar(
            select(Visit.id)
            .where(
                Visit.doctor_id == doctor.id,
                on_queue(today, today),  # patients waiting since before midnight come first (earlier check-in)
                Visit.status == VisitStatus.WAITING,
                Visit.id.not_in(passed),
            )
            .order_by(priority_rank(), Visit.check_in_time, Visit.id)
            .limit(1)
        )
        if visit_id is None:
            raise NotFound(f"nobody is waiting for {doctor.full_name}", field="doctor_id", code="nobody_waiting")
        candidate = lock_row(session, Visit, visit_id)  # a fresh read once the lock is ours
        if candidate is not None and candidate.status == VisitStatus.WAITING:
            return call(session, actor=actor, visit_id=visit_id, room=room)
        passed.append(visit_id)
