"""Read answers cached per the seq of the room that announces their changes (issue 11, "Board").

A list such as the reception board is a function of its room's `seq` (every change that alters it is numbered in
that room, services/outbox.py), of the clinic's local day and of who reads it (the audience). So the encoded answer
is kept under a key holding all of those, and the HTTP layer answers `304 Not Modified` when the client already
holds it (server/api/etag.py).

Two more parts of the key keep it honest about what does not pass through a room's seq:

- `generation()`: bumped at every flush and again after every commit (in this process) that changed a row a
  list shows, for the changes that tell no room: a patient renamed, a service or doctor edited, a clinic's
  settings, a doctor's draft notes.
- the UTC minute: time-dependent fields (`wait_minutes`, `is_overdue`, the doctor's "next 7 days") are
  recomputed at least once a minute, and a change of the kinds above made through *another* server process is
  seen within a minute. The apps compute their ticking timers from `check_in_time` themselves.

The newest answer of each list (its key without the seq: a `slot`) is also kept with the seq it was built at
(`remember` / `newest`): a client that says which seq it last heard in the list's room can be answered from memory,
with no statement and no worker-thread trip, when this process built the list at that seq or later
(services/cached_reads.py, `fast_*`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from server.models import Appointment, Clinic, Doctor, Patient, Payment, Service, User, Visit
from server.services.clinic_time import local_today

# Rows the cached lists show. A change to one of them bumps the generation after its commit.
_SHOWN = (Visit, Patient, Doctor, Service, Clinic, User, Appointment, Payment)
_DIRTY = "read_cache_dirty"


@dataclass(frozen=True)
class Cached:
    etag: str  # a strong validator, quoted, as HTTP wants it
    body: bytes  # the JSON answer


@dataclass(frozen=True)
class Newest:
    """The newest answer of one slot: built at room seq `seq`, for the clinic-local `day` in `timezone`, under the
    clinic's generation `generation` during UTC minute `minute`."""

    seq: int
    cached: Cached
    clinic_id: int
    day: date
    timezone: str
    generation: tuple[int, int]
    minute: int


class ReadCache:
    """A small thread-safe LRU of encoded answers."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, Cached] = OrderedDict()
        self._generation = 0  # bumped by a change of no one clinic
        self._clinics: dict[int, int] = {}  # per clinic
        self._newest: OrderedDict[Hashable, Newest] = OrderedDict()

    def generation(self, clinic_id: int) -> tuple[int, int]:
        return self._generation, self._clinics.get(clinic_id, 0)

    def bump(self, clinic_ids: set[int | None]) -> None:
        with self._lock:
            for clinic_id in clinic_ids:
                if clinic_id is None:
                    self._generation += 1
                else:
                    self._clinics[clinic_id] = self._clinics.get(clinic_id, 0) + 1

    def get_or_build(self, key: Hashable, build: Callable[[], BaseModel]) -> Cached:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        body = build().model_dump_json().encode()
        # The key is part of the validator: two audiences never share an ETag, even for equal bodies.
        digest = hashlib.blake2b(repr(key).encode() + b"\0" + body, digest_size=16).hexdigest()
        cached = Cached(f'"{digest}"', body)
        with self._lock:
            self._items[key] = cached
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return cached

    def remember(self, slot: Hashable, newest: Newest) -> None:
        """Keep `newest` as the slot's answer unless the slot holds a later build of the same generation and
        minute (two requests built it at once)."""
        with self._lock:
            held = self._newest.get(slot)
            same_key = held is not None and (held.generation, held.minute) == (newest.generation, newest.minute)
            if same_key and held is not None and held.seq > newest.seq:
                return
            self._newest[slot] = newest
            self._newest.move_to_end(slot)
            while len(self._newest) > self._size:
                self._newest.popitem(last=False)

    def newest(self, slot: Hashable, known_seq: int, now: datetime, *, today: bool) -> Cached | None:
        """The slot's answer when it was built at `known_seq` or later and its key still holds (same generation,
        same minute and, for `today`, still the clinic's local day); else None: the database decides."""
        held = self._newest.get(slot)
        if held is None or known_seq > held.seq:
            return None
        if held.minute != minute(now) or held.generation != self.generation(held.clinic_id):
            return None
        if today and local_today(held.timezone, now) != held.day:
            return None
        return held.cached

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._newest.clear()
            self._generation += 1


cache = ReadCache()


def minute(now: datetime) -> int:
    return int(now.timestamp() // 60)


def _clinic_of(obj: object) -> int | None:
    if isinstance(obj, Clinic):
        return obj.id
    if isinstance(obj, Payment):
        visit = obj.__dict__.get("visit")  # never a lazy load inside a flush
        return visit.clinic_id if visit is not None else None
    return getattr(obj, "clinic_id", None)  # a user of no clinic (an admin): None, every clinic


@event.listens_for(Session, "after_flush")
def _note_shown_rows(session: Session, _flush_context: object) -> None:
    changed = [obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, _SHOWN)]
    if changed:
        clinics = {_clinic_of(obj) for obj in changed}
        cache.bump(clinics)  # now, for reads in this very transaction
        session.info.setdefault(_DIRTY, set()).update(clinics)  # and at commit, for everyone else's


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    dirty = session.info.pop(_DIRTY, None)
    if dirty:
        cache.bump(dirty)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_unfinished(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # close() without a commit: nothing was written
        session.info.pop(_DIRTY, None)
