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
from sqlalchemy import event, update
from sqlalchemy.orm import Session, SessionTransaction

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


def _next_seq(session: Session, model: type[Clinic] | type[Doctor], row_id: int) -> int:
    # updated_at is left alone: a new seq is not a change of the clinic or the doctor profile.
    stmt = (
        update(model)
        .where(model.id == row_id)
        .values(event_seq=model.event_seq + 1, updated_at=model.updated_at)
        .returning(model.event_seq)
    )
    return int(session.execute(stmt).scalar_one())


def _number(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, None) or []
    if not pending:
        return
    doctors = sorted({p.doctor_id for p in pending if p.doctor_id is not None})
    clinics = sorted({p.clinic_id for p in pending if p.doctor_id is None})
    seqs: dict[str, int] = {}
    for doctor_id in doctors:  # the lock order of services/locking.py: doctors by id, then clinics
        seqs[doctor_room(doctor_id)] = _next_seq(session, Doctor, doctor_id)
    for clinic_id in clinics:
        seqs[clinic_room(clinic_id)] = _next_seq(session, Clinic, clinic_id)
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
