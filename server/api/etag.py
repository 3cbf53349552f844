"""Answers from services/read_cache.py with an `ETag`, and `304 Not Modified` to a matching `If-None-Match`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from common.events import ROOM_SEQ_HEADER, parse_room_seqs
from server.api.one_trip import in_one_trip
from server.models import Doctor, User
from server.services import cached_reads
from server.services.read_cache import Cached

M = TypeVar("M", bound=BaseModel)

NOT_MODIFIED: dict[int | str, dict[str, object]] = {304: {"description": "If-None-Match holds the current ETag"}}
CACHE_CONTROL = "private, no-cache"  # a client may keep it, but must ask (with If-None-Match) before reusing it


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in header.split(","))


def answer(request: Request, cached: Cached) -> Response:
    headers = {"ETag": cached.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}
    if _matches(request.headers.get("if-none-match"), cached.etag):
        return Response(status_code=304, headers=headers)
    return Response(cached.body, media_type="application/json", headers=headers)


def room_seqs(request: Request) -> dict[str, int]:
    """The seqs the client last heard in its rooms (common.events.ROOM_SEQ_HEADER); empty when it sent none."""
    return parse_room_seqs(request.headers.get(ROOM_SEQ_HEADER))


async def desk_list(
    request: Request,
    session: Session,
    me: User,
    *,
    name: str,
    clinic_id: int | None,
    query: BaseModel | None,
    read: Callable[[], M],
) -> M | Response:
    """A desk list kept per the desk room's seq (services/cached_reads.desk_list), with its ETag: from memory on
    the loop when the client's `X-Room-Seq` allows it (`fast_desk_list`), else read in one worker-thread trip. An
    admin's read is not kept: `read()` answers it as before."""
    hit = cached_reads.fast_desk_list(me, name=name, clinic_id=clinic_id, query=query, seqs=room_seqs(request))
    arguments = {"me": me, "name": name, "clinic_id": clinic_id, "query": query, "read": read}
    return cast("M | Response", await _from_memory_or_read(request, hit, _desk_list, session, arguments))


async def _from_memory_or_read(
    request: Request, hit: Cached | None, read: Callable[..., object], session: Session, arguments: dict[str, object]
) -> object:
    """The kept answer when there is one, else `read(request, session, **arguments)` in one worker-thread trip
    (with the end of the request session's transaction)."""
    if hit is not None:
        return answer(request, hit)
    return await in_one_trip(read, request=request, session=session, **arguments)


def _desk_list(
    request: Request,
    session: Session,
    me: User,
    name: str,
    clinic_id: int | None,
    query: BaseModel | None,
    read: Callable[[], M],
) -> M | Response:
    cached = cached_reads.desk_list(session, actor=me, name=name, clinic_id=clinic_id, query=query, build=read)
    return answer(request, cached) if cached is not None else read()


async def doctor_list(
    request: Request, session: Session, doctor: Doctor, *, name: str, query: BaseModel, build: Callable[[], M]
) -> Response:
    """One of the caller's own lists, kept per their room's seq (services/cached_reads.doctor_list), with its
    ETag: from memory on the loop when `X-Room-Seq` allows it, else read in one worker-thread trip."""
    hit = cached_reads.fast_doctor_list(doctor, name=name, query=query, seqs=room_seqs(request))
    arguments = {"doctor": doctor, "name": name, "query": query, "build": build}
    return cast(Response, await _from_memory_or_read(request, hit, _doctor_list, session, arguments))


def _doctor_list(
    request: Request, session: Session, doctor: Doctor, name: str, query: BaseModel, build: Callable[[], M]
) -> Response:
    return answer(request, cached_reads.doctor_list(session, doctor=doctor, name=name, query=query, build=build))
