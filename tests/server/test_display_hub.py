"""The waiting-room feed (server/realtime/display.py) on its own: handed fake state and token checks, it sends
the state on connect, one recomputed state per burst of a clinic's desk-room events, heartbeat comments, and a
`refused` event when the token is revoked; other clinics' and other rooms' events leave a stream alone."""

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from common import events as ev
from server.core.errors import Forbidden
from server.realtime.bus import StagedEvent
from server.realtime.display import DisplayHub

pytestmark = pytest.mark.asyncio


class Fake:
    def __init__(self) -> None:
        self.computed: list[int] = []
        self.revoked: set[int] = set()

    def state(self, clinic_id: int) -> str:
        self.computed.append(clinic_id)
        return json.dumps({"clinic": clinic_id, "n": len(self.computed)})

    def check(self, clinic_id: int, token: str) -> int:
        if token in self.revoked:
            raise Forbidden("this display token was revoked")
        return 7


def event(name: str, clinic_id: int, room: str | None = None) -> StagedEvent:
    return StagedEvent(name, room or ev.clinic_room(clinic_id), 1, clinic_id, {})


async def read(stream: AsyncIterator[str], timeout: float = 1.0) -> str:
    return await asyncio.wait_for(anext(stream), timeout)  # type: ignore[arg-type]


async def started(fake: Fake, **kw) -> DisplayHub:
    hub = DisplayHub(fake.state, fake.check, debounce=0.05, **kw)
    await hub.start()
    return hub


async def test_state_on_connect_then_one_state_per_burst():
    fake = Fake()
    hub = await started(fake)
    stream = hub.stream(1, "t", 7)
    try:
        assert (await read(stream)).startswith("retry: ")
        assert json.loads((await read(stream)).removeprefix("data: "))["n"] == 1
        for name in (ev.VISIT_STATUS_CHANGED, ev.QUEUE_UPDATED, ev.VISIT_CALLED, ev.PRIORITY_CHANGED):
            await hub.sink(event(name, 1))
        message = await read(stream)
        assert message.startswith("data: ") and message.endswith("\n\n")
        assert json.loads(message.removeprefix("data: ")) == {"clinic": 1, "n": 2}  # four events, one query
        await asyncio.sleep(0.15)
        assert fake.computed == [1, 1]
    finally:
        await stream.aclose()
        await hub.stop()
    assert hub.open_streams() == 0


async def test_a_patient_renamed_at_the_desk_reaches_the_screens():
    """A screen may show patients' initials: `patient_updated` in the desk room recomputes it; a registration (no
    visit yet, nothing on the screen) does not."""
    fake = Fake()
    hub = await started(fake)
    stream = hub.stream(1, "t", 7)
    try:
        await read(stream), await read(stream)
        await hub.sink(event(ev.PATIENT_CREATED, 1))
        await asyncio.sleep(0.3)
        assert fake.computed == [1]
        await hub.sink(event(ev.PATIENT_UPDATED, 1))
        assert json.loads((await read(stream)).removeprefix("data: ")) == {"clinic": 1, "n": 2}
    finally:
        await stream.aclose()
        await hub.stop()


async def test_other_clinics_rooms_and_events_leave_the_stream_alone():
    fake = Fake()
    hub = await started(fake)
    stream = hub.stream(1, "t", 7)
    try:
        await read(stream), await read(stream)
        await hub.sink(event(ev.VISIT_STATUS_CHANGED, 2))  # another clinic
        await hub.sink(event(ev.VISIT_STATUS_CHANGED, 1, room=ev.doctor_room(5)))  # a doctor's room
        await hub.sink(event(ev.PAYMENT_PROCESSED, 1))  # money does not change the screen
        with pytest.raises(TimeoutError):
            await read(stream, timeout=0.3)
        assert fake.computed == [1]
    finally:
        await stream.aclose()
        await hub.stop()


async def test_heartbeat_comment_while_nothing_changes():
    fake = Fake()
    hub = await started(fake, heartbeat=0.1)
    stream = hub.stream(1, "t", 7)
    try:
        await read(stream), await read(stream)
        assert await read(stream) == ": heartbeat\n\n"
    finally:
        await stream.aclose()
        await hub.stop()


async def test_a_revoked_token_gets_refused_and_its_stream_ends():
    fake = Fake()
    hub = await started(fake)
    revoked, other = hub.stream(1, "old", 7), hub.stream(1, "new", 8)
    try:
        for s in (revoked, other):
            await read(s), await read(s)
        fake.revoked.add("old")
        hub.revoked(7)
        refusal = await read(revoked)
        assert refusal.startswith("event: refused\ndata: ")
        body = json.loads(refusal.split("data: ", 1)[1])
        assert body["status"] == 403 and body["code"] == "forbidden"
        with pytest.raises(StopAsyncIteration):
            await read(revoked)
        assert hub.open_streams(1) == 1  # the other token's screen goes on, told nothing
        with pytest.raises(TimeoutError):
            await read(other, timeout=0.2)
    finally:
        await other.aclose()
        await hub.stop()


async def test_stop_ends_open_streams():
    fake = Fake()
    hub = await started(fake)
    stream = hub.stream(3, "t", 7)
    await read(stream), await read(stream)
    await hub.stop()
    with pytest.raises(StopAsyncIteration):
        await read(stream)


async def test_a_token_revoked_elsewhere_is_refused_at_the_next_heartbeat():
    """Revoked from the CLI (another process, no hub there): the stream finds out when it re-checks."""
    fake = Fake()
    hub = await started(fake, heartbeat=0.1)
    stream = hub.stream(1, "old", 7)
    try:
        await read(stream), await read(stream)
        assert await read(stream) == ": heartbeat\n\n"
        fake.revoked.add("old")
        assert (await read(stream)).startswith("event: refused\n")
    finally:
        await stream.aclose()
        await hub.stop()


async def test_without_a_reachable_redis_changes_still_reach_this_processs_screens():
    fake = Fake()
    hub = await started(fake, redis_url="redis://127.0.0.1:9/0")  # nothing listens on the discard port
    stream = hub.stream(1, "t", 7)
    try:
        await read(stream), await read(stream)
        await hub.sink(event(ev.VISIT_CALLED, 1))
        assert json.loads((await read(stream, timeout=4)).removeprefix("data: "))["n"] == 2
    finally:
        await stream.aclose()
        await hub.stop()


async def test_a_slow_older_state_never_overwrites_a_newer_one():
    fake = Fake()
    release = asyncio.Event()
    loop = asyncio.get_running_loop()
    slow_first = {"left": 1}

    def state(clinic_id: int) -> str:
        if slow_first["left"] and fake.computed:  # the first recompute (not the connect state) is slow
            slow_first["left"] = 0
            fake.computed.append(clinic_id)
            asyncio.run_coroutine_threadsafe(asyncio.wait_for(release.wait(), 5), loop).result()
            return json.dumps({"clinic": clinic_id, "n": "old"})
        return fake.state(clinic_id)

    hub = DisplayHub(state, fake.check, debounce=0.01)
    await hub.start()
    stream = hub.stream(1, "t", 7)
    try:
        await read(stream), await read(stream)
        await hub.sink(event(ev.VISIT_CALLED, 1))  # recompute #1: held
        await asyncio.sleep(0.1)
        await hub.sink(event(ev.VISIT_CALLED, 1))  # recompute #2: quick
        newest = json.loads((await read(stream)).removeprefix("data: "))
        release.set()
        await asyncio.sleep(0.1)
        assert newest["n"] != "old"
        with pytest.raises(TimeoutError):  # the late, older state is dropped
            await read(stream, timeout=0.3)
    finally:
        await stream.aclose()
        await hub.stop()


async def test_a_change_after_a_quiet_spell_goes_out_at_once_a_burst_at_most_every_debounce():
    fake = Fake()
    hub = DisplayHub(fake.state, fake.check, debounce=0.3)
    await hub.start()
    stream = hub.stream(1, "t", 7)
    try:
        await read(stream), await read(stream)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await hub.sink(event(ev.VISIT_CALLED, 1))
        await read(stream, timeout=0.2)  # not held back by the debounce
        await hub.sink(event(ev.VISIT_STATUS_CHANGED, 1))
        await hub.sink(event(ev.QUEUE_UPDATED, 1))
        message = await read(stream, timeout=1)
        assert loop.time() - started >= 0.29  # the rest of the burst waited for the period
        assert json.loads(message.removeprefix("data: "))["n"] == 3 and len(fake.computed) == 3
    finally:
        await stream.aclose()
        await hub.stop()
