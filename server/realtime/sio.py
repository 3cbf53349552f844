"""The Socket.IO server: connect auth (through the function it is handed), rooms from the token, the
compatibility join handlers, and the sink that emits the bus's events to their room.

Rooms (DESIGN.md, "Real time"): a receptionist is in the desk room `clinic_{clinic_id}`; a doctor only in their
own `doctor_{doctor.id}` (never the clinic room); an admin in none until it joins clinic rooms to watch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import socketio
from starlette.concurrency import run_in_threadpool

from common import events as ev
from common.enums import Role
from server.core.errors import DomainError
from server.realtime.bus import Sink, StagedEvent, bus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SocketUser:
    """Who a socket belongs to, as its connect-time token said."""

    user_id: int
    role: Role
    clinic_id: int | None
    doctor_id: int | None
    session_version: int = 0  # the session sweeper (realtime/sweeper.py) disconnects the socket when it changes

    def rooms(self) -> list[str]:
        """The rooms joined on connect."""
        if self.role == Role.DOCTOR:
            return [ev.doctor_room(self.doctor_id)] if self.doctor_id is not None else []
        if self.role == Role.RECEPTIONIST and self.clinic_id is not None:
            return [ev.clinic_room(self.clinic_id)]
        return []  # an admin joins the clinics it watches


# Checks an access token and says whose socket it is; raises a DomainError to refuse it. Runs in a worker
# thread (it may use the database). Handed in at app creation, so this package never imports services.
Authenticate = Callable[[str], SocketUser]


def _ok(room: str) -> dict[str, Any]:
    return {"ok": True, "room": room}


def create_sio(
    authenticate: Authenticate, *, redis_url: str | None = None, max_message_bytes: int = 1_000_000
) -> socketio.AsyncServer:
    manager = socketio.AsyncRedisManager(redis_url) if redis_url else None
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins="*",
        client_manager=manager,
        max_http_buffer_size=max_message_bytes,
        logger=False,
        engineio_logger=False,
    )

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token or not isinstance(token, str):
            raise socketio.exceptions.ConnectionRefusedError("authentication required")
        try:
            who = await run_in_threadpool(authenticate, token)
        except DomainError as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.message) from exc
        except Exception as exc:
            # e.g. the database is unreachable: refuse at once (the client retries) instead of letting the
            # handler crash, which leaves the client waiting for a connect answer that never comes
            log.exception("socket connect failed")
            raise socketio.exceptions.ConnectionRefusedError("the server cannot check the token now; retry") from exc
        await sio.save_session(sid, asdict(who))  # flat: user_id, role, clinic_id, doctor_id
        for room in who.rooms():
            await sio.enter_room(sid, room)

    async def _who(sid: str) -> SocketUser:
        data = await sio.get_session(sid)
        return SocketUser(
            data["user_id"], Role(data["role"]), data["clinic_id"], data["doctor_id"], data.get("session_version", 0)
        )

    async def _refuse(sid: str, message: str) -> dict[str, Any]:
        await sio.emit(ev.ERROR, {"detail": message}, to=sid)
        return {"ok": False, "detail": message}

    def _number(data: Any, key: str) -> int | None:
        """An id sent as a JSON number. type(), not isinstance(): JSON `true` arrives as True, an int that would
        name a room "clinic_True"; no data, a list or a string is None (refused, never a TypeError)."""
        value = data.get(key) if isinstance(data, dict) else None
        return value if type(value) is int else None

    @sio.on(ev.JOIN_DOCTOR_ROOM)
    async def join_doctor_room(sid: str, data: Any = None) -> dict[str, Any]:
        who = await _who(sid)
        doctor_id = _number(data, "doctor_id")
        if who.doctor_id is None or doctor_id != who.doctor_id:
            return await _refuse(sid, "you may only join your own doctor room")
        await sio.enter_room(sid, ev.doctor_room(who.doctor_id))
        return _ok(ev.doctor_room(who.doctor_id))

    @sio.on(ev.JOIN_CLINIC_ROOM)
    async def join_clinic_room(sid: str, data: Any = None) -> dict[str, Any]:
        who = await _who(sid)
        clinic_id = _number(data, "clinic_id")
        # The desk room is the front desk's: a doctor receives their own room's events only.
        allowed = who.role == Role.ADMIN or (who.role == Role.RECEPTIONIST and who.clinic_id == clinic_id)
        if clinic_id is None or not allowed:
            return await _refuse(sid, "you may only join your own clinic room")
        await sio.enter_room(sid, ev.clinic_room(clinic_id))
        return _ok(ev.clinic_room(clinic_id))

    return sio


def emitter(sio: socketio.AsyncServer) -> Sink:
    """The bus sink that sends each event to its one room."""

    async def emit(item: StagedEvent) -> None:
        await sio.emit(item.name, item.payload(), room=item.room)

    return emit


async def attach_to_bus(sio: socketio.AsyncServer) -> Sink:
    """Start the bus with this server's emitter; returns the sink to hand to `detach_from_bus`."""
    sink = emitter(sio)
    bus.add_sink(sink)
    await bus.start()
    return sink


async def detach_from_bus(sink: Sink) -> None:
    await bus.stop()
    bus.remove_sink(sink)
