"""Debouncer and TaskKeeper on a plain asyncio loop (they only need a running loop; qasync's is one)."""

import asyncio

import pytest

from common.qt.async_tools import Debouncer, TaskKeeper


@pytest.mark.asyncio
async def test_a_burst_becomes_one_call_after_the_quiet_period():
    calls: list[float] = []
    loop = asyncio.get_running_loop()
    debouncer = Debouncer(0.1, lambda: calls.append(loop.time()), max_wait=2.0)  # a slow CI must not split it
    start = loop.time()
    for _ in range(10):
        debouncer.trigger()
        await asyncio.sleep(0.01)
    assert calls == [] and debouncer.pending
    await asyncio.sleep(0.25)
    assert len(calls) == 1 and debouncer.calls == 1
    assert calls[0] - start >= 0.1 + 0.09  # measured from the LAST trigger
    assert not debouncer.pending


@pytest.mark.asyncio
async def test_a_steady_stream_still_calls_after_max_wait():
    calls: list[int] = []
    debouncer = Debouncer(0.05, lambda: calls.append(1), max_wait=0.15)
    for _ in range(30):  # a trigger every 20 ms for 0.6 s: never quiet for 50 ms
        debouncer.trigger()
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    assert 3 <= len(calls) <= 10  # about one per max_wait, however slow the machine


@pytest.mark.asyncio
async def test_async_callbacks_never_overlap_and_the_last_trigger_is_not_lost():
    running, overlaps, calls = 0, 0, 0

    async def refetch() -> None:
        nonlocal running, overlaps, calls
        running += 1
        overlaps = max(overlaps, running)
        calls += 1
        await asyncio.sleep(0.1)
        running -= 1

    debouncer = Debouncer(0.02, refetch)
    debouncer.trigger()
    await asyncio.sleep(0.05)  # the first call is running now
    debouncer.trigger()  # a change during the refetch must cause one more refetch
    await asyncio.sleep(0.3)
    assert calls == 2 and overlaps == 1


@pytest.mark.asyncio
async def test_flush_cancel_and_signal_style_call():
    calls: list[int] = []
    debouncer = Debouncer(10, lambda: calls.append(1))
    debouncer("payload from a Qt signal")  # connectable directly to a signal
    await debouncer.flush()
    assert calls == [1] and not debouncer.pending
    debouncer.trigger()
    debouncer.cancel()
    await debouncer.aclose()
    assert calls == [1]


@pytest.mark.asyncio
async def test_callback_errors_go_to_the_handler():
    errors: list[BaseException] = []

    def broken() -> None:
        raise ValueError("boom")

    debouncer = Debouncer(0.01, broken, on_error=errors.append)
    debouncer.trigger()
    await asyncio.sleep(0.05)
    assert [str(e) for e in errors] == ["boom"]


@pytest.mark.asyncio
async def test_task_keeper_holds_reports_and_cancels():
    errors: list[BaseException] = []
    keeper = TaskKeeper(on_error=errors.append)
    finished: list[str] = []

    async def work(name: str, delay: float) -> str:
        await asyncio.sleep(delay)
        finished.append(name)
        return name

    async def fail() -> None:
        raise RuntimeError("no luck")

    quick = keeper.spawn(work("quick", 0.01))
    keeper.spawn(work("slow", 10))
    keeper.spawn(fail())
    assert len(keeper) == 3
    assert await quick == "quick"
    await asyncio.sleep(0.01)
    assert len(keeper) == 1  # finished tasks are let go
    assert [str(e) for e in errors] == ["no luck"]
    await keeper.close()
    assert len(keeper) == 0 and finished == ["quick"]
    coro = work("late", 0)
    with pytest.raises(RuntimeError):
        keeper.spawn(coro)
