"""Engine, session factory and the declarative Base."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import anyio
from fastapi import Request
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, func
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from server.core.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow, onupdate=utcnow
    )


CONNECT_TIMEOUT_SECONDS = 5

_engine: Engine | None = None
_read_engine: Engine | None = None
_session_factory: sessionmaker[Session] | None = None


def normalize_database_url(url: str) -> str:
    """`postgres://…` and `postgresql://…`, the forms every host hands out, run on psycopg2 (the driver we
    ship): SQLAlchemy 2.1 reads a bare `postgresql://` as psycopg 3 and does not know `postgres://` at all."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same database as a libpq URL (pg_dump, pg_restore, psql): no `+driver`."""
    return make_url(normalize_database_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def uses_embedded_database() -> bool:
    return not get_settings().database_url


def database_url() -> str:
    url = get_settings().database_url
    if url:
        return normalize_database_url(url)
    from server.core.embedded_pg import embedded_database_url

    return embedded_database_url()


def _make_engine(pool_size: int, **options: Any) -> Engine:
    engine = create_engine(
        database_url(),
        # Enough kept connections for a busy desk: a connection over pool_size is closed when given back, and
        # opening one costs several milliseconds (issue 11's read profile at 32 concurrent requests).
        pool_size=pool_size,
        max_overflow=20,
        pool_use_lifo=True,  # the busy connections stay hot; the idle ones are the ones pinged
        echo=get_settings().sql_echo,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,  # an unreachable host fails, not hangs
            # No JIT: it compiles a plan whose estimated cost is high (a million payments make the earnings
            # CSV one) for hundreds of milliseconds to seconds; this server's queries are short (issue 11).
            "options": "-c jit=off",
        },
        **options,
    )
    _ping_when_idle(engine)
    return engine


def get_engine() -> Engine:
    global _engine, _session_factory
    if _engine is None:
        _engine = _make_engine(POOL_SIZE)
        _session_factory = sessionmaker(bind=_engine, expire_on_commit=False)
    return _engine


def get_read_engine() -> Engine:
    """Connections in autocommit, for GET requests (issue 11): psycopg2 sends a `BEGIN` before a transaction's
    first statement and the pool a `ROLLBACK` when a read gives its connection back, two round trips of three
    for a one-statement read. A read gains nothing from them: at READ COMMITTED every statement takes its own
    snapshot anyway. Its own pool, so no connection switches mode (psycopg2 then sends a `SET`). What needs a
    transaction on a GET (the earnings CSV's server-side cursor and `SET LOCAL`) takes a `new_session()`."""
    global _read_engine
    if _read_engine is None:
        _read_engine = _make_engine(READ_POOL_SIZE, isolation_level="AUTOCOMMIT")
    return _read_engine


PING_AFTER_IDLE_SECONDS = 1.0
POOL_SIZE = 20
READ_POOL_SIZE = 10


def _ping_when_idle(engine: Engine) -> None:
    """A connection left over from before a database restart is replaced, not used: like `pool_pre_ping`, but
    only for a connection that sat in the pool over PING_AFTER_IDLE_SECONDS. pre_ping cost one more round trip
    on EVERY request (issue 11's push profile); a connection used a moment ago is alive, and should the database
    die in that moment, the failed statement invalidates the pool and the next request gets fresh connections."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return  # fresh from connect(), or used a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the database connection is gone") from exc
        if not alive:
            raise DisconnectionError("the database connection is gone")


def dbapi_connect() -> Any:
    """A psycopg2 connection of its own to the server's database, outside the pool (a LISTEN holds it)."""
    engine = get_engine()
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    return engine.dialect.loaded_dbapi.connect(*cargs, **{**cparams, "connect_timeout": CONNECT_TIMEOUT_SECONDS})


def reset_engine() -> None:
    """Forget the engine (tests that change DATABASE_URL)."""
    global _engine, _read_engine, _session_factory
    for engine in (_engine, _read_engine):
        if engine is not None:
            engine.dispose()
    _engine = _read_engine = None
    _session_factory = None


def new_session() -> Session:
    get_engine()
    assert _session_factory is not None
    return _session_factory()


def new_read_session() -> Session:
    """A session for reads only: every statement commits by itself (get_read_engine)."""
    return Session(bind=get_read_engine(), expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """FastAPI dependency: one session per request, closed afterwards.

    Async on purpose: making a Session does no I/O, and neither does closing one whose transaction has ended (a
    write route has committed), so neither needs a trip to the thread pool; each trip is a wake-up of a worker
    thread and of the event loop on the request's path (issue 11's push profile). Closing a session still in a
    transaction rolls back over the network, so that close runs in a worker thread: psycopg2 never runs on the
    event loop. A GET reads in autocommit (get_read_engine). A session that never took a connection (a request
    answered from memory: the caller from the auth cache, the answer from the read cache) has nothing to roll
    back, so it is closed on the loop too."""
    session = new_read_session() if request.method in ("GET", "HEAD") else new_session()
    session.info[_REQUEST_SESSION] = True  # server/api/one_trip.py ends it in the route's own thread trip
    try:
        yield session
    finally:
        if session.in_transaction() and session.info.get(_CONNECTED):
            # Its own limiter, as FastAPI does for dependency exits: were it to wait for a token of the shared
            # pool, whose threads may all be waiting for a database connection, the connection this close would
            # give back could never be given back.
            await anyio.to_thread.run_sync(session.close, limiter=_close_limiter())
        else:
            session.close()


_REQUEST_SESSION = "request_session"
_CONNECTED = "request_session_connected"


@event.listens_for(Session, "after_begin")
def _note_connection(session: Session, _transaction: object, _connection: object) -> None:
    """A request's session took a connection: closing it may talk to the database (get_session)."""
    if session.info.get(_REQUEST_SESSION):
        session.info[_CONNECTED] = True


def owns_request_session(session: Session) -> bool:
    """Is this the session `get_session` made for a request (not one a test or a tool handed in)?"""
    return bool(session.info.get(_REQUEST_SESSION))


_closers: tuple[object, anyio.CapacityLimiter] | None = None


def _close_limiter() -> anyio.CapacityLimiter:
    """One per event loop (a test suite runs several loops, one server runs one)."""
    global _closers
    loop = asyncio.get_running_loop()
    if _closers is None or _closers[0] is not loop:
        _closers = (loop, anyio.CapacityLimiter(4))
    return _closers[1]
