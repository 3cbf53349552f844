"""The Socket.IO server: connect auth, rooms from the token, compatibility join handlers."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

import socketio
from starlette.concurrency import run_in_threadpool

from common import events as ev
from common.enums import Role
from server.core.config import get_settings
from server.core.db import new_session
from server.core.errors import DomainError
from server.realtime.events import StagedEvent, bus
from server.services import auth as auth_service

log = logging.getLogger(__name__)


@dataclass
class SocketUser:
    user_id: int
    role: str
    clinic_id: int | None
    doctor_id: int | None
    session_version: int = 0  # the session sweeper (realtime/sweeper.py) disconnects the socket when it changes


def _load_socket_user(token: str) -> SocketUser:
    """The same checks as HTTP: a valid access token of an active user, and for a DOCTOR an active doctor
    profile (auth_service.doctor_of), so a socket never gets a room a request would be refused."""
    with new_session() as session:
        user = auth_service.user_from_access_token(session, token)
        doctor_id = auth_service.doctor_of(user).id if user.role == Role.DOCTOR else None
        return SocketUser(user.id, user.role.value, user.clinic_id, doctor_id, user.session_version)


def create_sio() -> socketio.AsyncServer:
    settings = get_settings()
    manager = socketio.AsyncRedisManager(settings.redis_url) if settings.redis_url else None
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins="*",
        client_manager=manager,
        max_http_buffer_size=settings.max_body_bytes,
        logger=False,
        engineio_logger=False,
    )

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> None:
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        if not token:
            raise socketio.exceptions.ConnectionRefusedError("authentication required")
        try:
            who = await run_in_threadpool(_load_socket_user, token)
        except DomainError as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.message) from exc
        except Exception as exc:
            # e.g. the database is unreachable: refuse at once (the client retries) instead of letting the
            # handler crash, which leaves the client waiting for a connect answer that never comes
            log.exception("socket connect failed")
            raise socketio.exceptions.ConnectionRefusedError("the server cannot check the token now; retry") from exc
        await sio.save_session(sid, asdict(who))
        if who.clinic_id is not None:
            await sio.enter_room(sid, ev.clinic_room(who.clinic_id))
        if who.doctor_id is not None:
            await sio.enter_room(sid, ev.doctor_room(who.doctor_id))

    async def _refuse(sid: str, message: str) -> dict[str, Any]:
        await sio.emit(ev.ERROR, {"detail": message}, to=sid)
        return {"ok": False, "detail": message}

    @sio.on(ev.JOIN_DOCTOR_ROOM)
    async def join_doctor_room(sid: str, data: Any = None) -> dict[str, Any]:  # no data: refused, no TypeError
        who = SocketUser(**await sio.get_session(sid))
        doctor_id = data.get("doctor_id") if isinstance(data, dict) else None
        if who.doctor_id is None or type(doctor_id) is not int or doctor_id != who.doctor_id:
            return await _refuse(sid, "you may only join your own doctor room")
        await sio.enter_room(sid, ev.doctor_room(who.doctor_id))
        return {"ok": True, "room": ev.doctor_room(who.doctor_id)}

    @sio.on(ev.JOIN_CLINIC_ROOM)
    async def join_clinic_room(sid: str, data: Any = None) -> dict[str, Any]:
        who = SocketUser(**await sio.get_session(sid))
        clinic_id = data.get("clinic_id") if isinstance(data, dict) else None
        # type() and not isinstance(): JSON `true` arrives as True, an int that would name a room "clinic_True"
        allowed = who.role == Role.ADMIN or (who.clinic_id is not None and clinic_id == who.clinic_id)
        if type(clinic_id) is not int or not allowed:
            return await _refuse(sid, "you may only join your own clinic room")
        await sio.enter_room(sid, ev.clinic_room(clinic_id))
        return {"ok": True, "room": ev.clinic_room(clinic_id)}

    async def emit_staged(item: StagedEvent) -> None:
        await sio.emit(item.name, item.payload(), room=list(item.rooms))

    sio.emit_staged = emit_staged  # type: ignore[attr-defined]
    return sio


async def attach_to_bus(sio: socketio.AsyncServer) -> None:
    bus.add_sink(sio.emit_staged)  # type: ignore[attr-defined]
    await bus.start()


async def detach_from_bus(sio: socketio.AsyncServer) -> None:
    await bus.stop()
    bus.remove_sink(sio.emit_staged)  # type: ignore[attr-defined]
