"""Engine, session factory and the declarative Base."""

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, MetaData, create_engine, func
from sqlalchemy.engine import make_url
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


def get_engine() -> Engine:
    global _engine, _session_factory
    if _engine is None:
        settings = get_settings()
        _engine = create_engine(
            database_url(),
            pool_pre_ping=True,  # a connection left over from before a database restart is replaced, not used
            pool_size=10,
            max_overflow=20,
            echo=settings.sql_echo,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},  # an unreachable host fails, not hangs
        )
        _session_factory = sessionmaker(bind=_engine, expire_on_commit=False)
    return _engine


def reset_engine() -> None:
    """Forget the engine (tests that change DATABASE_URL)."""
    global _engine, _session_factory
    if _engine is not None:
        _engine.dispose()
    _engine = None
    _session_factory = None


def new_session() -> Session:
    get_engine()
    assert _session_factory is not None
    return _session_factory()


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, closed afterwards."""
    with new_session() as session:
        yield session
