"""Consultation drafts: the notes and prescription a doctor is typing, kept on the visit while it is IN_PROGRESS,
so they survive a crashed PC and can never drift to another visit (issue 10, part 2).

A draft save is not a state change: it does not bump the visit's version and emits no event (nobody else may
read the text before the consultation is completed). It is refused with 409 when the editor's `version` is not
the visit's current one (the visit was moved, undone or completed meanwhile) or the visit is no longer
IN_PROGRESS, so a stale editor can never overwrite what another change produced.
"""

from sqlalchemy.orm import Session

from common.enums import Role, VisitStatus
from common.schemas import VisitDraftRequest, VisitOut
from server.core.errors import Conflict, Forbidden
from server.models import User, Visit
from server.services.audience import Audience
from server.services.scope import resolve
from server.services.serializers import visit_out

ONLY_THE_DOCTOR = "only the visit's doctor can save its draft"


def save_draft(session: Session, *, actor: User, visit_id: int, data: VisitDraftRequest) -> VisitOut:
    """Store notes and prescription on the visit under its row lock; 403 for anyone but the visit's own doctor,
    404 for an unknown visit or another clinic's, 409 (with `current_status`, `current_version`) when the visit
    is no longer IN_PROGRESS or `data.version` is stale."""
    if actor.role != Role.DOCTOR:
        raise Forbidden(ONLY_THE_DOCTOR)
    visit = resolve(session, actor, Visit, visit_id, lock=True)
    if visit.status != VisitStatus.IN_PROGRESS:
        raise Conflict(
            f"the visit is {visit.status.value}, not IN_PROGRESS: its notes can no longer be drafted",
            current_status=visit.status.value,
            current_version=visit.version,
        )
    if data.version != visit.version:
        raise Conflict(
            "this visit was changed by someone else; reload it",
            current_status=visit.status.value,
            current_version=visit.version,
        )
    visit.notes = data.notes
    visit.prescription = data.prescription
    session.commit()
    return visit_out(visit, Audience.DOCTOR)
