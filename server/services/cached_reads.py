"""The read routes answered from services/read_cache.py: each builds the key of what it would answer (room seq,
local day, filters, audience) from one or two small reads, and runs the real query only on a miss."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from common.enums import Role
from common.schemas import QueueQuery
from server.core.db import utcnow
from server.models import Clinic, Doctor, User
from server.services import doctor_portal
from server.services.board import queue_board
from server.services.clinic_time import local_today
from server.services.read_cache import Cached, cache, minute
from server.services.scope import doctor_filter, get_clinic


def _reader(actor: User) -> tuple[Role, int | None]:
    """Who reads, as far as shaping goes (services/audience.of): the role, and a doctor's own id."""
    doctor = actor.doctor if actor.role == Role.DOCTOR else None
    return actor.role, doctor.id if doctor is not None else None


def board(session: Session, *, actor: User, query: QueueQuery, now: datetime | None = None) -> Cached:
    """GET /queue: keyed by the desk room's seq (every change of the board is numbered there)."""
    doctor_id = doctor_filter(session, actor, query.doctor_id)
    clinic = get_clinic(session, actor, query.clinic_id)
    now = now or utcnow()
    day = query.day or local_today(clinic.timezone, now)
    key = (
        "queue",
        clinic.id,
        day,
        doctor_id,
        _reader(actor),
        clinic.event_seq,
        cache.generation(clinic.id),
        minute(now),
    )
    return cache.get_or_build(key, lambda: queue_board(session, actor=actor, query=query, now=now))


def doctor_dashboard(session: Session, *, doctor: Doctor, now: datetime | None = None) -> Cached:
    """GET /dashboard/doctor: keyed by the doctor's room seq (their visits, payments and appointments are all
    numbered there)."""
    now = now or utcnow()
    clinic = session.get(Clinic, doctor.clinic_id)  # read with the user (services/auth.py): no round trip
    today = local_today(clinic.timezone if clinic is not None else "UTC", now)
    key = ("dashboard", doctor.id, today, doctor.event_seq, cache.generation(doctor.clinic_id), minute(now))
    return cache.get_or_build(key, lambda: doctor_portal.dashboard(session, doctor=doctor, now=now))
