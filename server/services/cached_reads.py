"""The read routes answered from services/read_cache.py: each builds the key of what it would answer (room seq,
local day, filters, audience) from one or two small reads, and runs the real query only on a miss.

The fast path (`fast_board`, `fast_doctor_dashboard`, issue 11): the client says which seq it last heard in the
list's room (common.events.ROOM_SEQ_HEADER). Every event is emitted after its commit, so a list this process built
at that seq or later already holds every change the client has heard of, and is answered from memory: no
statement, no worker-thread trip. A client that names a later seq (a change made through another process, not
yet read here), or none, goes the database way, which refreshes the slot. The slot holds everything the slow
path's key holds but the seq, and is computed from the caller alone (the cached auth user: role, clinic, doctor
profile), with the same scope rules; whatever those rules would need the database for goes the database way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from common.enums import Role
from common.events import clinic_room, doctor_room
from common.schemas import QueueQuery
from server.core.db import utcnow
from server.core.errors import DomainError
from server.models import Clinic, Doctor, User
from server.services import doctor_portal
from server.services.board import queue_board
from server.services.clinic_time import local_today
from server.services.read_cache import Cached, Newest, cache, minute
from server.services.scope import doctor_filter, get_clinic, resolve_clinic_id

Builder = Callable[[], BaseModel]


def _reader(actor: User) -> tuple[Role, int | None]:
    """Who reads, as far as shaping goes (services/audience.of): the role, and a doctor's own id."""
    doctor = actor.doctor if actor.role == Role.DOCTOR else None
    return actor.role, doctor.id if doctor is not None else None


def _kept(
    slot: Hashable, seq: int, *, clinic_id: int, day: date, timezone: str, now: datetime, build: Builder
) -> Cached:
    """The answer of `slot` (what is read, by whom) at room seq `seq`: built once per seq, the clinic's
    generation, the UTC minute and `day` (read_cache.py says why each), and remembered as the slot's newest for
    the fast paths below."""
    generation = cache.generation(clinic_id)
    cached = cache.get_or_build((slot, seq, generation, minute(now), day), build)
    cache.remember(slot, Newest(seq, cached, clinic_id, day, timezone, generation, minute(now)))
    return cached


def _board_slot(clinic_id: int, query: QueueQuery, doctor_id: int | None, actor: User) -> Hashable:
    return ("queue", clinic_id, query.day, doctor_id, _reader(actor))


def board(session: Session, *, actor: User, query: QueueQuery, now: datetime | None = None) -> Cached:
    """GET /queue: keyed by the desk room's seq (every change of the board is numbered there)."""
    doctor_id = doctor_filter(session, actor, query.doctor_id)
    clinic = get_clinic(session, actor, query.clinic_id)
    now = now or utcnow()
    day = query.day or local_today(clinic.timezone, now)
    return _kept(
        _board_slot(clinic.id, query, doctor_id, actor),
        clinic.event_seq,
        clinic_id=clinic.id,
        day=day,
        timezone=clinic.timezone,
        now=now,
        build=lambda: queue_board(session, actor=actor, query=query, now=now),
    )


def fast_board(actor: User, query: QueueQuery, seqs: Mapping[str, int], now: datetime | None = None) -> Cached | None:
    """GET /queue from memory when the client's desk-room seq is one this process has built the board at (no
    statement); None when the database must answer."""
    try:
        clinic_id = resolve_clinic_id(actor, query.clinic_id)  # the slow path's rule; no I/O
    except DomainError:
        return None  # the slow path refuses it, with the right error
    if actor.role == Role.DOCTOR:
        doctor = actor.doctor
        if doctor is None or not doctor.is_active or query.doctor_id not in (None, doctor.id):
            return None  # refused, or another doctor named: doctor_filter decides, with the database
        doctor_id: int | None = doctor.id
    else:
        doctor_id = query.doctor_id
    known = seqs.get(clinic_room(clinic_id))
    if known is None:
        return None
    slot = _board_slot(clinic_id, query, doctor_id, actor)
    return cache.newest(slot, known, now or utcnow(), today=query.day is None)


def _doctor_room(session: Session, doctor: Doctor) -> tuple[int, str]:
    """The doctor room's seq and the clinic's time zone: as read with the user in this request when it was read
    from the database (services/auth.py loads both with it), else — the cached caller carries neither
    (services/auth_cache.py) — fresh, in one statement."""
    clinic = session.identity_map.get(identity_key(Clinic, doctor.clinic_id))
    if clinic is not None and "event_seq" not in inspect(doctor).unloaded:
        return doctor.event_seq, clinic.timezone
    row = session.execute(
        select(Doctor.event_seq, Clinic.timezone)
        .join(Clinic, Clinic.id == Doctor.clinic_id)
        .where(Doctor.id == doctor.id)
    ).one()
    return row.event_seq, row.timezone


def doctor_dashboard(session: Session, *, doctor: Doctor, now: datetime | None = None) -> Cached:
    """GET /dashboard/doctor: one of the doctor's kept answers (`doctor_list`): their visits, payments and
    appointments are all numbered in their room."""
    now = now or utcnow()
    build = lambda: doctor_portal.dashboard(session, doctor=doctor, now=now)  # noqa: E731
    return doctor_list(session, doctor=doctor, name="dashboard", query=None, build=build, now=now)


def fast_doctor_dashboard(doctor: Doctor, seqs: Mapping[str, int]) -> Cached | None:
    """GET /dashboard/doctor from memory (`fast_doctor_list`)."""
    return fast_doctor_list(doctor, name="dashboard", query=None, seqs=seqs)


def _params(query: BaseModel | None) -> str:
    return query.model_dump_json() if query is not None else ""


def _desk_slot(name: str, clinic_id: int, params: str, actor: User) -> Hashable:
    return ("desk", name, clinic_id, params, _reader(actor))


def desk_list(
    session: Session, *, actor: User, name: str, clinic_id: int | None, query: BaseModel | None, build: Builder
) -> Cached | None:
    """A desk or doctor's read of a list the desk room announces every change of (payments, appointments,
    patients, the reception dashboard): kept like the board, per the desk room's seq, the generation, the UTC
    minute and the clinic's local day, so a hit costs one statement (the clinic row, for its seq) instead of the
    list's queries.
    None for an admin (they name a clinic, or none): the caller then reads as before."""
    if actor.role == Role.ADMIN or actor.clinic_id is None:
        return None
    clinic = get_clinic(session, actor, clinic_id)  # another clinic's → 404, as the list; fresh: its seq is the key
    now = utcnow()
    return _kept(
        _desk_slot(name, clinic.id, _params(query), actor),
        clinic.event_seq,
        clinic_id=clinic.id,
        day=local_today(clinic.timezone, now),
        timezone=clinic.timezone,
        now=now,
        build=build,
    )


def fast_desk_list(
    actor: User, *, name: str, clinic_id: int | None, query: BaseModel | None, seqs: Mapping[str, int]
) -> Cached | None:
    """A desk list from memory when the client's desk-room seq is one this process has built it at for this
    reader (as `fast_board`); None when the database must answer (and decide any refusal)."""
    if actor.role == Role.ADMIN or actor.clinic_id is None:
        return None  # an admin's read is not kept
    if actor.role == Role.DOCTOR and (actor.doctor is None or not actor.doctor.is_active):
        return None
    try:
        clinic = resolve_clinic_id(actor, clinic_id)  # the slow path's rule; no I/O
    except DomainError:
        return None
    known = seqs.get(clinic_room(clinic))
    if known is None:
        return None
    return cache.newest(_desk_slot(name, clinic, _params(query), actor), known, utcnow(), today=True)


def _doctor_slot(name: str, doctor: Doctor, query: BaseModel | None) -> Hashable:
    return ("doctor", name, doctor.id, _params(query))


def doctor_list(
    session: Session,
    *,
    doctor: Doctor,
    name: str,
    query: BaseModel | None,
    build: Builder,
    now: datetime | None = None,
) -> Cached:
    """One of a doctor's own lists (their earnings page, My Patients, their appointments, a patient's history with
    them), read by that doctor: every change of it is announced in the doctor's room, so it is kept per that
    room's seq like their dashboard (plus the generation, the UTC minute and the clinic's local day). `doctor` is
    the caller's own profile, so the key names the reader. A hit costs one statement (`_doctor_room`)."""
    now = now or utcnow()
    seq, timezone = _doctor_room(session, doctor)
    day = local_today(timezone, now)
    slot = _doctor_slot(name, doctor, query)
    return _kept(slot, seq, clinic_id=doctor.clinic_id, day=day, timezone=timezone, now=now, build=build)


def fast_doctor_list(doctor: Doctor, *, name: str, query: BaseModel | None, seqs: Mapping[str, int]) -> Cached | None:
    """One of a doctor's own lists from memory when the client's doctor-room seq is one this process has built it
    at; `doctor` is the caller's own active profile. None: the database answers."""
    known = seqs.get(doctor_room(doctor.id))
    if known is None or not doctor.is_active:
        return None
    return cache.newest(_doctor_slot(name, doctor, query), known, utcnow(), today=True)
