"""core/periodic.PeriodicJob, the runner of the no-show task: a round at start, then every interval; a failing
round does not stop it; interval 0 never starts it; stop() ends it."""

import asyncio

import pytest

from server.core.periodic import PeriodicJob

pytestmark = pytest.mark.timeout(30)


@pytest.mark.asyncio
async def test_rounds_go_on_after_a_failure_and_stop_ends_them():
    calls: list[int] = []

    def job() -> None:
        calls.append(len(calls))
        if len(calls) == 2:
            raise RuntimeError("the database is down")

    runner = PeriodicJob("test-job", job, interval=0.05)
    await runner.start()
    assert runner.running
    for _ in range(100):
        if len(calls) >= 4:
            break
        await asyncio.sleep(0.02)
    await runner.stop()
    assert len(calls) >= 4 and not runner.running  # the failing second round did not end it
    done = len(calls)
    await asyncio.sleep(0.15)
    assert len(calls) == done  # stopped means stopped


@pytest.mark.asyncio
async def test_interval_zero_is_off_but_run_once_still_works():
    calls: list[str] = []
    runner = PeriodicJob("test-job", lambda: calls.append("x") or 7, interval=0)
    await runner.start()
    assert not runner.enabled and not runner.running
    assert await runner.run_once() == 7 and calls == ["x"] and runner.rounds == 1
    await runner.stop()
