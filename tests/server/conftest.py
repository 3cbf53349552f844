"""Fixtures of the server tests."""

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def app() -> Iterator[object]:
    """One in-process app for all server tests (overrides the root `app`): FastAPI builds every route's
    dependency tree on an app's first request, about 0.1 s that each test would otherwise pay again. The
    `client` fixture still runs the lifespan (the event bus) per test and clears its dependency overrides."""
    from server.main import create_app

    shared = create_app()
    yield shared
    shared.api.dependency_overrides.clear()  # type: ignore[attr-defined]
