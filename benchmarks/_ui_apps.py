"""One app of benchmarks/ui_stall.py in its own process: the reception or the doctor main window (offscreen,
logged in, live over Socket.IO, built as benchmarks/soak.py builds them), with the lateness probe on its UI thread.

Talks to the parent over stdin/stdout, one line each: it prints READY once the window is filled and the socket is
up; on START it records; on STOP it stops recording, waits until the app is quiet (no event for a while, no
request or debounced refetch pending), compares what the window shows with what the server says, and prints
RESULT {json}.

    python benchmarks/_ui_apps.py reception|doctor|floor URL USERNAME PASSWORD HOME

`floor` builds no app: the same interpreter, Qt loop and probe, so what it measures is the machine's share.
"""

from __future__ import annotations

import asyncio
import faulthandler
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402
import qasync  # noqa: E402
from _ui_probe import LatenessProbe, StallSampler, stall_report, work_report  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from common.client.api import ApiClient  # noqa: E402
from common.client.api.transport import Transport  # noqa: E402
from common.enums import Phase  # noqa: E402
from common.qt.gc_guard import MainThreadGarbageCollector  # noqa: E402

QUIET_S = 1.5  # no event for this long, nothing pending: the burst is over


class Counts:
    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.model: Counter[str] = Counter()
        self.last_event = time.monotonic()

    def event(self, name: str, *_: Any) -> None:
        self.events[name] += 1
        self.last_event = time.monotonic()


def count_requests(counts: Counts) -> None:
    original = Transport._send_once

    async def counted(self: Transport, method: str, path: str, **kw: Any) -> httpx.Response:
        counts.requests[f"{method} {re.sub(r'/[0-9]+', '/{id}', path)}"] += 1
        return await original(self, method, path, **kw)

    Transport._send_once = counted  # type: ignore[method-assign]


def watch_model(model: Any, counts: Counts, prefix: str) -> None:
    for name in ("modelReset", "rowsInserted", "rowsRemoved", "dataChanged", "layoutChanged"):
        getattr(model, name).connect(lambda *_, n=name: counts.model.update([f"{prefix}.{n}"]))


async def build_reception(api: ApiClient, home: Path, counts: Counts) -> tuple[Any, list[Any], Any]:
    from client_reception.app import ReceptionApp
    from client_reception.views.board_card import CardDelegate

    original_paint = CardDelegate.paint

    def counting_paint(self: Any, painter: Any, option: Any, index: Any) -> None:
        counts.model["card paints"] += 1
        original_paint(self, painter, option, index)

    CardDelegate.paint = counting_paint  # type: ignore[method-assign]
    assert api.user is not None and api.user.clinic_id is not None
    clinic = await api.get_clinic(api.user.clinic_id)
    settings = QSettings(str(home / "reception.ini"), QSettings.Format.IniFormat)
    app = ReceptionApp(api, api.user, clinic, settings=settings)
    await app.start(show=True)
    app.window.resize(1360, 820)
    app.bridge.event.connect(counts.event)
    watch_model(app.board.model, counts, "board")
    return app, list(app.view_models), app.aclose


async def build_doctor(api: ApiClient, home: Path, counts: Counts) -> tuple[Any, list[Any], Any]:
    from client_doctor.app import DoctorSession
    from client_doctor.settings import DoctorSettings
    from client_doctor.views import widgets

    original_init = widgets.PatientCard.__init__

    def counting_init(self: Any, *args: Any, **kw: Any) -> None:
        counts.model["patient cards built"] += 1
        original_init(self, *args, **kw)

    widgets.PatientCard.__init__ = counting_init  # type: ignore[method-assign]
    settings = DoctorSettings(QSettings(str(home / "doctor.ini"), QSettings.Format.IniFormat))
    settings.auto_open_consultation = False  # the doctor watches Today's Work while patients are sent in
    session = await DoctorSession.start(api, settings=settings, drafts_dir=home / "drafts", show=True)
    w = session.window
    w.resize(1280, 800)
    while w.today_vm.dashboard is None:  # the window fills Today's Work once shown
        await asyncio.sleep(0.05)
    session.bridge.event.connect(counts.event)
    w.today_vm.dashboard_changed.connect(lambda *_: counts.model.update(["today dashboard_changed"]))
    vms = [w.today_vm, w.consultation_vm, w.earnings_vm, w.patients_vm, w.schedule_vm, w.record_vm]
    return session, vms, session.aclose


async def build_floor(api: ApiClient, home: Path, counts: Counts) -> tuple[Any, list[Any], Any]:
    """No app: the same interpreter, Qt loop and probe, so its stalls are the machine's (the floor)."""

    async def nothing() -> None:
        return None

    return None, [], nothing


async def reception_state(app: Any, url: str, token: str) -> dict[str, Any]:
    """The board's three columns (ids, status, priority, payment, version, in the column's order) against the
    server's board."""
    from client_reception.viewmodels.board import card_at

    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        board = (await http.get("/queue")).raise_for_status().json()
    shown, server = {}, {}
    for phase, key in ((Phase.WAITING, "waiting"), (Phase.WITH_DOCTOR, "with_doctor"), (Phase.COMPLETED, "completed")):
        proxy = app.board.columns[phase]
        cards = [card_at(proxy.index(r, 0)) for r in range(proxy.rowCount())]
        shown[key] = [_visit_key(c.entry.model_dump(mode="json")) for c in cards if c is not None]
        server[key] = [_visit_key(e) for e in board[key]]
    return _compare(shown, server)


async def doctor_state(session: Any, url: str, token: str) -> dict[str, Any]:
    """Today's Work: the stat cards, the cards with the doctor and the next three waiting, against the server."""
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        dash = (await http.get("/dashboard/doctor")).raise_for_status().json()
    view = session.window.today_view
    cards = view.cards
    server = {
        "active": [_visit_key(v) for v in dash["active_visits"]],
        "next_waiting": [_visit_key(v) for v in dash["waiting_visits"][:3]],
        "stats": [str(dash[k]) for k in ("today_visits", "active_consultations", "waiting", "completed")],
    }
    layouts = {"active": view.active_layout, "next_waiting": view.waiting_layout}
    shown: dict[str, list[Any]] = {}
    for key, layout in layouts.items():
        widgets = [layout.itemAt(i).widget() for i in range(layout.count())]
        visits = [c.visit for c in widgets if c in cards.values() and not c.isHidden()]
        shown[key] = [_visit_key(v.model_dump(mode="json")) for v in visits]
    stats = (view.stat_visits, view.stat_active, view.stat_waiting, view.stat_completed)
    shown["stats"] = [s.value.text() for s in stats]
    return _compare(shown, server)


def _visit_key(v: dict[str, Any]) -> list[Any]:
    return [v["id"], v["status"], v["priority"], v.get("payment_status"), v["version"]]


def _compare(shown: dict[str, list[Any]], server: dict[str, list[Any]]) -> dict[str, Any]:
    sizes = {k: len(v) for k, v in server.items()}
    diffs = {k: {"shown": shown[k], "server": server[k]} for k in server if shown[k] != server[k]}
    return {"equal": not diffs, "sizes": sizes, "diffs": diffs}


async def main(role: str, url: str, username: str, password: str, home: Path) -> None:
    counts = Counts()
    count_requests(counts)
    api = ApiClient(url)
    await api.login(username, password)
    build = {"reception": build_reception, "doctor": build_doctor, "floor": build_floor}[role]
    app, vms, aclose = await build(api, home, counts)
    probe = LatenessProbe(10)
    sampler = StallSampler(probe)
    sampler.start()
    commands: asyncio.Queue[str] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.strip())
        loop.call_soon_threadsafe(commands.put_nowait, "EOF")  # the parent is gone: end, do not linger

    async def expect(command: str) -> None:
        got = await commands.get()
        if got != command:
            raise SystemExit(f"{role}: expected {command}, got {got}")

    threading.Thread(target=read_stdin, daemon=True).start()
    print("READY", flush=True)
    await expect("START")
    before = Counts()
    before.events, before.requests = Counter(counts.events), Counter(counts.requests)
    before.model = Counter(counts.model)
    probe.start()
    started = time.perf_counter()
    await expect("STOP")
    probe.stop()
    recorded = time.perf_counter() - started
    sampler.stop()
    await expect("CHECK")  # the stream is over
    settle = time.monotonic()
    while time.monotonic() - counts.last_event < QUIET_S or any(vm.pending for vm in vms):
        await asyncio.sleep(0.1)
    settled = time.monotonic() - settle
    assert api.access_token is not None
    check = {"reception": reception_state, "doctor": doctor_state}.get(role)
    state = await check(app, url, api.access_token) if check else None
    result = {
        "role": role,
        "recorded_s": recorded,
        "settled_s": settled,
        "ticks": [(t.late_ms, t.cpu_ms) for t in probe.ticks],
        "events": dict(counts.events - before.events),
        "requests": dict(counts.requests - before.requests),
        "model": dict(counts.model - before.model),
        "state": state,
        "profile": stall_report(probe.ticks, sampler.samples, 50.0),
        "work": work_report(probe.ticks, sampler.samples, sampler.cpu_ms),
    }
    print("RESULT " + json.dumps(result), flush=True)
    await aclose()
    await api.aclose()


if __name__ == "__main__":
    faulthandler.enable()
    role, url, username, password, home = sys.argv[1:6]
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    collector = MainThreadGarbageCollector(parent=qapp)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main(role, url, username, password, Path(home)))
    finally:
        collector.stop()
        loop.close()
