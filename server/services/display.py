"""The waiting-room display: its tokens (admin only) and what the screen shows (DESIGN "Queue priority, calling,
display").

A display token is a read-only credential for one clinic's screen, never a staff login. Only its sha256 is
stored; the token itself is shown once, when it is created. Every refusal of a token says the same for an
unknown token, another clinic's token and a clinic that does not exist (401), so a token reveals nothing about
other clinics; a revoked token of this clinic says it was revoked (403).

The state never carries a patient's name: numbers only, or initials when the clinic allows them
(`Clinic.display_names`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Case, and_, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from common.enums import PRIORITY_RANK, DisplayNames, VisitStatus
from common.schemas import DisplayServing, DisplayState, DisplayTokenCreate, DisplayTokenCreated, DisplayTokenOut
from server.core.db import utcnow
from server.core.errors import Forbidden, NotFound, Unauthorized
from server.models import Clinic, DisplayToken, Doctor, User, Visit
from server.services._updates import commit_or_conflict
from server.services.clinic_time import local_today
from server.services.queue_day import on_queue
from server.services.scope import require_clinic

NOW_SERVING_LIMIT = 6
NEXT_LIMIT = 10
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often per token
INVALID = "this display link is not valid (its token is wrong or belongs to another screen)"
REVOKED = "this display link was revoked"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def display_path(clinic_id: int, token: str) -> str:
    """The page's path with its token (the caller prefixes the server's address)."""
    return f"/display/{clinic_id}?token={token}"


def token_out(row: DisplayToken) -> DisplayTokenOut:
    return DisplayTokenOut.model_validate(row)


# --- tokens (admin) ------------------------------------------------------------------------------------------


def create_token(session: Session, *, actor: User | None, data: DisplayTokenCreate) -> DisplayTokenCreated:
    """A new token for one clinic (unknown clinic: 422 on clinic_id). The answer is the only place the token
    itself ever appears."""
    require_clinic(session, data.clinic_id)
    token = secrets.token_urlsafe(32)
    row = DisplayToken(
        clinic_id=data.clinic_id,
        name=data.name,
        token_hash=hash_token(token),
        created_by=actor.id if actor is not None else None,
    )
    session.add(row)
    commit_or_conflict(session, "display token could not be created")
    out = token_out(row)
    return DisplayTokenCreated(**out.model_dump(), token=token, url=display_path(row.clinic_id, token))


def list_tokens(session: Session, *, clinic_id: int | None = None) -> list[DisplayTokenOut]:
    stmt = select(DisplayToken).order_by(DisplayToken.clinic_id, DisplayToken.id)
    if clinic_id is not None:
        stmt = stmt.where(DisplayToken.clinic_id == clinic_id)
    return [token_out(row) for row in session.scalars(stmt)]


def revoke_token(session: Session, *, token_id: int) -> DisplayTokenOut:
    """Revoke a token (again: a no-op keeping the first revocation's time); unknown id: 404."""
    row = session.get(DisplayToken, token_id, with_for_update=True)
    if row is None:
        raise NotFound("display token not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        commit_or_conflict(session, "display token could not be revoked")
    return token_out(row)


# --- the screen ----------------------------------------------------------------------------------------------


def check_token(session: Session, *, clinic_id: int, token: str, now: datetime | None = None) -> int:
    """The id of the display token that opens `clinic_id`'s screen; raise Unauthorized (unknown token, another
    clinic's, no such clinic) or Forbidden (revoked). Records its use, at most every TOUCH_EVERY."""
    row = session.scalar(select(DisplayToken).where(DisplayToken.token_hash == hash_token(token))) if token else None
    if row is None or row.clinic_id != clinic_id:
        raise Unauthorized(INVALID)
    if row.revoked_at is not None:
        raise Forbidden(REVOKED)
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        # a conditional UPDATE: several screens and streams on one token write it once per period
        stale = or_(DisplayToken.last_used_at.is_(None), DisplayToken.last_used_at <= now - TOUCH_EVERY)
        session.execute(update(DisplayToken).where(DisplayToken.id == row.id, stale).values(last_used_at=now))
        session.commit()
    return row.id


def initials(full_name: str) -> str:
    """ "Maria del Carmen Ruiz" -> "M.R." (first and last word), at most 8 characters."""
    words = [w for w in full_name.replace(".", " ").split() if w[:1].isalpha()]
    if not words:
        return ""
    letters = [words[0][0]] + ([words[-1][0]] if len(words) > 1 else [])
    return "".join(f"{c.upper()}." for c in letters)[:8]


def _rank() -> Case[int]:
    return case(dict(PRIORITY_RANK), value=Visit.priority, else_=len(PRIORITY_RANK))


def display_state(session: Session, *, clinic_id: int, now: datetime | None = None) -> DisplayState:
    """What the screen shows: the calls of the clinic's local day still being served (CALLED, or IN_PROGRESS
    after a call), newest call first, and the next waiting numbers in calling order (priority, then check-in)."""
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:  # the token was checked first; a clinic deleted since answers like a bad token
        raise Unauthorized(INVALID)
    now = now or utcnow()
    day = local_today(clinic.timezone, now)
    today = and_(Visit.clinic_id == clinic_id, on_queue(day, day))  # with the visits open since before midnight
    called = or_(
        Visit.status == VisitStatus.CALLED,
        and_(Visit.status == VisitStatus.IN_PROGRESS, Visit.called_at.is_not(None)),
    )
    with_initials = clinic.display_names == DisplayNames.INITIALS
    options = [joinedload(Visit.doctor).joinedload(Doctor.user)]
    if with_initials:
        options.append(joinedload(Visit.patient))
    serving = session.scalars(
        select(Visit)
        .options(*options)
        .where(today, called)
        .order_by(func.coalesce(Visit.called_at, Visit.updated_at).desc(), Visit.id.desc())
        .limit(NOW_SERVING_LIMIT)
    ).all()
    waiting = session.scalars(
        select(Visit.queue_number)
        .where(today, Visit.status == VisitStatus.WAITING)
        .order_by(_rank(), Visit.check_in_time, Visit.queue_number)
        .limit(NEXT_LIMIT)
    ).all()
    return DisplayState(
        clinic_name=clinic.name,
        timezone=clinic.timezone,
        now_serving=[
            DisplayServing(
                queue_number=v.queue_number,
                doctor_name=v.doctor.user.full_name,
                room=v.room or "",
                called_at=v.called_at,
                patient_initials=initials(v.patient.full_name) if with_initials else None,
            )
            for v in serving
        ],
        next=list(waiting),
        generated_at=now,
    )
