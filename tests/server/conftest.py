"""Fixtures of the server tests."""

import gc
import itertools
from collections.abc import Iterator

import pytest

_FULL_COLLECTION_EVERY = 50
_tests = itertools.count(1)


@pytest.fixture(scope="session")
def app() -> Iterator[object]:
    """One in-process app for all server tests (overrides the root `app`): FastAPI builds every route's
    dependency tree on an app's first request, about 0.1 s that each test would otherwise pay again. The
    `client` fixture still runs the lifespan (the event bus) per test and clears its dependency overrides."""
    from server.main import create_app

    shared = create_app()
    yield shared
    shared.api.dependency_overrides.clear()


@pytest.fixture(autouse=True)
def _collect_garbage_on_main_thread() -> Iterator[None]:
    """Overrides the root fixture of the same name. Automatic GC is off for the whole run (tests/conftest.py:
    Qt objects must not be collected on a worker thread), so garbage is collected here, on the main thread.
    Server tests make no Qt objects: the youngest generation holds everything this test allocated (nothing
    was collected during it), so collecting it frees the test's garbage without walking the whole heap every
    time; a full collection every 50 tests keeps older cycles in check. (A full collection after each test
    cost ~70 ms, about 30 s of the server suite.)"""
    yield
    gc.collect(2 if next(_tests) % _FULL_COLLECTION_EVERY == 0 else 0)


LISTENER_WAIT = 10.0  # seconds, at most, for the auth LISTEN; never a measured time


@pytest.fixture
def live_client(app) -> Iterator[object]:
    """The in-process app on its own sessions (committed data), with its lifespan: the auth LISTEN stands."""
    from fastapi.testclient import TestClient

    with TestClient(app.api) as client:
        assert app.auth_listener.wait_until_up(LISTENER_WAIT)
        yield client
