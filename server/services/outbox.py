"""The outbox: what a change tells each room, numbered per room and released only after its commit.

A service calls `stage()` for each event while it works; the body is shaped right away, once per room, for that
room's audience (services/audience.py): the desk room `clinic_{id}` gets the desk's payload, each doctor's room
`doctor_{id}` the doctor's. Nothing is numbered yet, so building payloads (for example the patient's history for
`patient_with_doctor`) holds no seq lock.

Then the service commits. Just before the commit (`before_commit`), the outbox numbers every room the change
touched: one increment per room (`Doctor.event_seq` for a doctor's room, `Clinic.event_seq` for the desk), in the
lock order of services/locking.py (doctors by id, then clinics), so the seq rows are locked only for the numbering
and the commit itself. All events of one change to one room share that room's seq; a room no event went to keeps
its seq, so each room's seqs are gapless. After the commit the events go to the bus (server.realtime.bus); a
rollback, or a session closed without committing, drops them and their increments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event, text
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from common.events import clinic_room, doctor_room
from server.models import Clinic, Doctor
from server.realtime.bus import RoomSeq, StagedEvent, bus, reservations
from server.services.audience import Audience, shape

_PENDING = "outbox_pending"  # staged, not numbered yet
_NUMBERED = "outbox_numbered"  # numbered in before_commit, released after the commit
_RESERVED = "outbox_reserved"


@dataclass(frozen=True)
class _Pending:
    name: str
    clinic_id: int
    doctor_id: int | None  # None: the desk room of the clinic
    data: dict[str, Any]

    @property
    def room(self) -> str:
        return clinic_room(self.clinic_id) if self.doctor_id is None else doctor_room(self.doctor_id)


def stage(
    session: Session,
    name: str,
    body: BaseModel,
    *,
    clinic_id: int,
    desk: bool = True,
    doctors: tuple[int, ...] = (),
) -> None:
    """Queue one event: to the clinic's desk room (unless desk=False) and to each doctor's room in `doctors`,
    each payload shaped for its room's audience. It is numbered at commit and emitted after it."""
    session.connection()  # belong to this transaction: a rollback from here on drops the event
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    if desk:
        pending.append(_Pending(name, clinic_id, None, shape(body, Audience.DESK)))
    for doctor_id in dict.fromkeys(doctors):  # each doctor once, in the order given
        pending.append(_Pending(name, clinic_id, doctor_id, shape(body, Audience.DOCTOR)))


# Every room of a change numbered in ONE statement (issue 11: it was one round trip per room). The lock order of
# services/locking.py holds inside it: the doctors' rows are locked by id (`ORDER BY ... FOR NO KEY UPDATE`: the
# lock an UPDATE of a non-key column takes, which lets other transactions' foreign-key checks (KEY SHARE) pass; a
# FOR UPDATE would wait for them and deadlock two check-ins of one clinic), and the
# clinics' locking reads the doctors' result first (the `count(*) FROM d` condition), so no clinic row is locked
# before every doctor row is. updated_at is left alone: a new seq is not a change of the clinic or the profile.
_NUMBER_ROOMS = text(
    """
    WITH ld AS (SELECT id FROM doctors WHERE id = ANY(CAST(:doctors AS integer[])) ORDER BY id FOR NO KEY UPDATE),
    d AS (UPDATE doctors SET event_seq = doctors.event_seq + 1 FROM ld WHERE doctors.id = ld.id
          RETURNING doctors.id, doctors.event_seq),
    lc AS (SELECT id FROM clinics WHERE id = ANY(CAST(:clinics AS integer[])) AND (SELECT count(*) FROM d) >= 0
           ORDER BY id FOR NO KEY UPDATE),
    c AS (UPDATE clinics SET event_seq = clinics.event_seq + 1 FROM lc WHERE clinics.id = lc.id
          RETURNING clinics.id, clinics.event_seq)
    SELECT true AS doctor, id, event_seq FROM d UNION ALL SELECT false, id, event_seq FROM c
    """
)


def _next_seqs(session: Session, doctors: list[int], clinics: list[int]) -> dict[str, int]:
    seqs: dict[str, int] = {}
    for is_doctor, row_id, seq in session.execute(_NUMBER_ROOMS, {"doctors": doctors, "clinics": clinics}):
        model: type[Doctor] | type[Clinic] = Doctor if is_doctor else Clinic
        seqs[doctor_room(row_id) if is_doctor else clinic_room(row_id)] = seq
        loaded = session.identity_map.get(identity_key(model, row_id))
        if loaded is not None:  # what this session already holds says the new seq too (not a change to flush)
            set_committed_value(loaded, "event_seq", seq)
    if len(seqs) != len(doctors) + len(clinics):
        raise RuntimeError(f"a room to number is gone: doctors {doctors}, clinics {clinics}")
    return seqs


def _number(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, None) or []
    if not pending:
        return
    doctors = sorted({p.doctor_id for p in pending if p.doctor_id is not None})
    clinics = sorted({p.clinic_id for p in pending if p.doctor_id is None})
    seqs = _next_seqs(session, doctors, clinics)
    reserved: list[RoomSeq] = list(seqs.items())
    for room, seq in reserved:
        reservations.add(room, seq)
    session.info.setdefault(_RESERVED, []).extend(reserved)
    numbered = [StagedEvent(p.name, p.room, seqs[p.room], p.clinic_id, p.data) for p in pending]
    session.info.setdefault(_NUMBERED, []).extend(numbered)


@event.listens_for(Session, "before_commit")
def _number_before_commit(session: Session) -> None:
    _number(session)


@event.listens_for(Session, "after_commit")
def _release_after_commit(session: Session) -> None:
    numbered = session.info.pop(_NUMBERED, None)
    reserved = session.info.pop(_RESERVED, None)
    if numbered or reserved:
        bus.publish(numbered or [], reserved or [])


def _drop(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_NUMBERED, None)
    reservations.release(session.info.pop(_RESERVED, None) or [])


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    _drop(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_unreleased(session: Session, transaction: SessionTransaction) -> None:
    # close() ends the transaction without after_rollback; drop what it staged so a reused session cannot
    # release it with a later, unrelated commit (after a commit everything is already gone).
    if transaction.parent is None:
        _drop(session)
