"""Who a token belongs to, without asking the database on every request (issue 11, "lean auth path").

A request's caller was one statement (the user with their doctor profile) plus a worker-thread trip. This cache
keeps, per user id, a snapshot of the user's and their doctor profile's columns as last read from the database,
and answers a request whose token carries the same `session_version` from it: the rows are rebuilt as clean
persistent objects in the request's session (no statement, no thread trip). `Doctor.event_seq` is left out of
the snapshot: it changes with every event of the doctor's room, so it is loaded fresh when read.

A snapshot is never trusted past a change of its rows:

- in this process, a flush that touches a User or a Doctor drops its snapshot at once, and again after the
  commit (a reader between the two re-reads the old row and would otherwise keep it);
- from anywhere (another server process, a CLI command, psql): triggers on `users` and `doctors` (migration
  0008) NOTIFY `clinic_auth` with the user id at commit; `server.core.pg_listen` hears it and drops the snapshot;
- the cache answers only while that LISTEN stands: it starts empty and off, turns on when the listener is
  connected, and empties itself and turns off when the connection is lost (then every request asks the
  database, as before);
- a snapshot read before a drop is not stored after it (a generation counter), and none lives longer than
  TTL_SECONDS, whatever happens.

So a deactivation, a password reset, a logout of every session (session_version), a change of role, clinic or
doctor profile refuses the user's next request in this process, and in the others as soon as PostgreSQL's
notification arrives (milliseconds after the commit).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from server.models import Doctor, User

TTL_SECONDS = 10.0
CHANNEL = "clinic_auth"
_CHANGED = "auth_cache_changed"
_USER_COLUMNS = tuple(attr.key for attr in inspect(User).column_attrs)
_DOCTOR_COLUMNS = tuple(attr.key for attr in inspect(Doctor).column_attrs if attr.key != "event_seq")


@dataclass(frozen=True)
class _Snapshot:
    user: dict[str, Any]
    doctor: dict[str, Any] | None
    stored_at: float


def _columns(obj: object, keys: tuple[str, ...]) -> dict[str, Any] | None:
    loaded = obj.__dict__
    if any(key not in loaded for key in keys):
        return None  # something deferred or expired: not a whole snapshot
    return {key: loaded[key] for key in keys}


class AuthCache:
    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._items: dict[int, _Snapshot] = {}
        self._generation = 0
        self._listeners = 0  # connected invalidation listeners; the cache answers only while there is one

    @property
    def live(self) -> bool:
        return self._listeners > 0

    def listener_up(self) -> None:
        with self._lock:
            self._items.clear()  # nothing heard before this moment can be trusted
            self._generation += 1
            self._listeners += 1

    def listener_down(self) -> None:
        with self._lock:
            self._listeners = max(0, self._listeners - 1)
            self._items.clear()
            self._generation += 1

    def generation(self) -> int:
        return self._generation

    def invalidate(self, user_ids: set[int]) -> None:
        with self._lock:
            for user_id in user_ids:
                self._items.pop(user_id, None)
            self._generation += 1

    def invalidate_payload(self, payload: str) -> None:
        """A NOTIFY payload: a user id (anything else empties the cache)."""
        if payload.isdigit():
            self.invalidate({int(payload)})
        else:
            self.clear()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._generation += 1

    def store(self, user: User, generation: int) -> None:
        """Keep `user` (just read, clean) unless something was dropped since `generation` was taken."""
        if not self.live:
            return
        user_columns = _columns(user, _USER_COLUMNS)
        if user_columns is None or "doctor" not in user.__dict__:
            return
        doctor_columns = None
        if user.doctor is not None:
            doctor_columns = _columns(user.doctor, _DOCTOR_COLUMNS)
            if doctor_columns is None:
                return
        snapshot = _Snapshot(user_columns, doctor_columns, time.monotonic())
        with self._lock:
            if self._listeners > 0 and generation == self._generation:
                self._items[user.id] = snapshot

    def attach(self, session: Session, user_id: int, session_version: int) -> User | None:
        """The user as persistent rows of `session`, from the snapshot; None when the database must be asked (no
        fresh snapshot, another session_version, an inactive user, or a session that already holds rows)."""
        if not self.live or len(session.identity_map) or session.new or session.deleted:
            return None
        snapshot = self._items.get(user_id)
        if snapshot is None or time.monotonic() - snapshot.stored_at > self._ttl:
            return None
        if not snapshot.user["is_active"] or snapshot.user["session_version"] != session_version:
            return None  # the database decides (and refuses)
        user = User(**snapshot.user)
        doctor = Doctor(**snapshot.doctor) if snapshot.doctor is not None else None
        user.doctor = doctor  # and doctor.user = user (back_populates)
        make_transient_to_detached(user)  # clean, as if just loaded; what is missing (event_seq) loads on access
        if doctor is not None:
            make_transient_to_detached(doctor)
        session.add(user)  # the doctor comes along (cascade); no statement
        return user


cache = AuthCache()


def _user_ids(objects: list[object]) -> set[int]:
    ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, User) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, Doctor) and obj.user_id is not None:
            ids.add(obj.user_id)
    return ids


@event.listens_for(Session, "after_flush")
def _drop_flushed(session: Session, _flush_context: object) -> None:
    ids = _user_ids([*session.new, *session.dirty, *session.deleted])
    if ids:
        cache.invalidate(ids)
        session.info.setdefault(_CHANGED, set()).update(ids)


@event.listens_for(Session, "after_commit")
def _drop_committed(session: Session) -> None:
    ids = session.info.pop(_CHANGED, None)
    if ids:
        cache.invalidate(ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: object) -> None:
    session.info.pop(_CHANGED, None)
