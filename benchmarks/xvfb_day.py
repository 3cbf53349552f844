"""A clinic day in real windows: the reception and doctor apps as the programs a clinic runs (their own processes,
the xcb platform on an Xvfb screen of 1600×900, side by side at 800 px each), against a real server seeded with
the Demo Clinic, while a driver plays the floor through the HTTP API for N minutes and a person's mouse and
keystrokes reach the doctor's window through xdotool.

The desk signs in through the login dialog by keyboard. Each cycle: the doctor types into the open consultation's
notes (xdotool) while the desk checks the next patient in, calls and sends them to the same doctor (the doctor's
window announces them without touching what is being typed); Dr Grey's queue gets a walk-in, an emergency, a call
and a cancellation; the draft on the server must hold exactly what was typed for that visit and the next patient's
notes nothing; the doctor completes with Ctrl+Enter then Enter, the desk takes the payment, and the doctor opens
the next patient from the "sent in" bar with the mouse. Once a minute: a screenshot of the whole screen, both
apps' RSS, whether they are alive. At the end nothing typed for one patient is in another's notes and both apps
still run.

    apt-get install xvfb xdotool imagemagick        # once
    .venv/bin/python benchmarks/xvfb_day.py --minutes 10 --every 20 --shots /tmp/xvfb_day

Prints one line per minute and a summary; exits non-zero when an app died or a sentence went astray. The click
positions (`--notes-at`, `--open-at`) are for the apps' layout at 800×900; `--explore 600` only sets up and waits,
to look around with `DISPLAY=:N xdotool …`.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

PASSWORD = "demo1234"
SCREEN = "1600x900x24"


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


class Screen:
    """Xvfb on a free display number, and xdotool/import against it."""

    def __init__(self) -> None:
        self.display = f":{random.randint(60, 99)}"
        self.proc = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", SCREEN, "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
        self.env = {**os.environ, "DISPLAY": self.display}

    def xdotool(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True).stdout.strip()

    def windows(self, name: str) -> list[str]:
        return self.xdotool("search", "--onlyvisible", "--name", name).split()

    def shot(self, path: Path) -> None:
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=False)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


RECEPTION_TITLE, DOCTOR_TITLE = "Clinic reception", "Consulting room —"
HALF = (800, 900)  # the case: both apps side by side on a 1600 px screen


def arrange(screen: Screen) -> None:
    """No window manager on Xvfb: put the desk on the left half and the doctor on the right half (twice: a window
    that has just appeared may still set its own size once)."""
    for _ in range(2):
        for title, x in ((RECEPTION_TITLE, 0), (DOCTOR_TITLE, HALF[0])):
            found = asyncio.run(wait_for(lambda title=title: screen.windows(title), 60))
            if not found:
                raise SystemExit(f"no window titled {title!r} appeared")
            screen.xdotool("windowsize", found[0], str(HALF[0]), str(HALF[1]))
            screen.xdotool("windowmove", found[0], str(x), "0")
        time.sleep(3)


def start_app(
    screen: Screen, module: str, side: str, url: str, home: Path, log: Path, **extra: str
) -> subprocess.Popen:
    env = {
        **screen.env,
        "QT_QPA_PLATFORM": "xcb",
        "CLINIC_SERVER_URL": url,
        "CLINIC_WINDOW_SIDE": side,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        # apps run once per user: an app already open on this machine would take this start over
        "CLINIC_INSTANCE_NAME": f"clinic-{module}-xvfb-{os.getpid()}",
        **extra,
    }
    out = log.open("w")
    return subprocess.Popen([sys.executable, "-m", module], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


async def wait_for(predicate, timeout: float, step: float = 0.25):  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(step)
    return None


async def login(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    r = await client.post("/auth/login", json={"username": username, "password": PASSWORD})
    r.raise_for_status()
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


class Floor:
    """The desk's and Dr House's API calls of the driver."""

    def __init__(self, desk: httpx.AsyncClient, house: httpx.AsyncClient, doctors: dict[str, int], service: int):
        self.desk, self.house, self.doctors, self.service = desk, house, doctors, service
        self.rng = random.Random(7)
        self.patients: list[dict] = []

    async def walk_in(self, doctor: str, priority: str = "NORMAL") -> dict:
        board = (await self.desk.get("/queue")).json()
        queued = {e["patient_id"] for col in ("waiting", "with_doctor") for e in board[col]}
        patient = self.rng.choice([p for p in self.patients if p["id"] not in queued])
        body = {"patient_id": patient["id"], "doctor_id": self.doctors[doctor], "service_id": self.service}
        r = await self.desk.post("/queue/checkin", json={**body, "priority": priority})
        r.raise_for_status()
        return r.json()

    async def call_and_send(self, visit: dict, room: str) -> None:
        (await self.desk.post("/queue/call", json={"visit_id": visit["id"], "room": room})).raise_for_status()
        send = {"visit_id": visit["id"], "phase": "with_doctor", "confirm": True}
        (await self.desk.post("/queue/phase/move", json=send)).raise_for_status()

    async def notes(self, visit_id: int) -> str:
        return (await self.house.get(f"/visits/{visit_id}")).json().get("notes") or ""

    async def status(self, visit_id: int) -> str:
        return (await self.house.get(f"/visits/{visit_id}")).json()["status"]

    async def other_traffic(self, cycle: int) -> None:
        """Events for both apps that are not Dr House's hand-off: Dr Grey's queue, triage, a cancellation."""
        grey = await self.walk_in("dr.grey", "URGENT" if cycle % 3 == 0 else "NORMAL")
        await self.desk.post("/queue/priority", json={"visit_id": grey["id"], "priority": "EMERGENCY"})
        await self.desk.post("/queue/call", json={"visit_id": grey["id"], "room": "Room 9"})
        await self.desk.post("/queue/cancel", json={"visit_id": grey["id"]})


async def run(args: argparse.Namespace, screen: Screen, base: str, apps: dict[str, subprocess.Popen]) -> int:
    shots = Path(args.shots)
    desk = await login(base, "reception")
    house = await login(base, "dr.house")
    listed = (await desk.get("/doctors")).json()
    listed = listed["items"] if isinstance(listed, dict) else listed
    me = (await house.get("/doctors/me")).json()
    grey = next(d for d in listed if d["id"] != me["id"])
    doctors = {"dr.house": me["id"], "dr.grey": grey["id"]}
    services = (await desk.get("/services")).json()
    service = (services["items"] if isinstance(services, dict) else services)[0]
    floor = Floor(desk, house, doctors, service["id"])
    floor.patients = (await desk.get("/patients", params={"per_page": 100})).json()["items"]
    typed: dict[int, list[str]] = {}  # visit id → the sentences typed while it was open
    problems: list[str] = []
    started = time.monotonic()
    next_minute = started
    cycle = 0
    notes_x, notes_y = (int(v) for v in args.notes_at.split(","))
    open_x, open_y = (int(v) for v in args.open_at.split(","))

    def alive() -> dict[str, bool]:
        return {name: proc.poll() is None for name, proc in apps.items()}

    def type_text(text: str) -> None:
        screen.xdotool("type", "--delay", "40", text)

    # The first patient: sent in while the doctor is on Today's Work, the consultation opens by itself.
    current = await floor.walk_in("dr.house")
    await floor.call_and_send(current, "Room 1")
    await asyncio.sleep(3)
    while time.monotonic() - started < args.minutes * 60:
        if time.monotonic() >= next_minute:
            minute = int((time.monotonic() - started) // 60)
            screen.shot(shots / f"minute_{minute:02d}.png")
            state = alive()
            rss = {name: f"{rss_mb(proc.pid):.0f} MB" for name, proc in apps.items()}
            print(f"minute {minute:2d}: alive {state}  rss {rss}  cycles {cycle}", flush=True)
            if not all(state.values()):
                problems.append(f"an app died: {state}")
                break
            next_minute += 60
        cycle += 1
        mine = current["id"]
        first, second = f"visit {mine} part one cycle {cycle}.", f"visit {mine} part two cycle {cycle}."
        typed[mine] = [first, second]
        # The doctor types into the open consultation while the desk sends the next patient in.
        screen.xdotool("mousemove", str(notes_x), str(notes_y), "click", "1")
        await asyncio.to_thread(type_text, first + " ")
        nxt = await floor.walk_in("dr.house", "URGENT" if cycle % 4 == 0 else "NORMAL")
        sending = asyncio.create_task(floor.call_and_send(nxt, f"Room {1 + cycle % 3}"))
        await asyncio.to_thread(type_text, second + " ")
        await sending
        await floor.other_traffic(cycle)
        await asyncio.sleep(args.draft_wait)  # the app saves the draft after a pause in typing
        draft, theirs = await floor.notes(mine), await floor.notes(nxt["id"])
        if first not in draft or second not in draft:
            problems.append(f"cycle {cycle}: visit {mine}'s draft lacks what was typed for it: {draft!r}")
        if theirs:
            problems.append(f"cycle {cycle}: the next patient's notes are not empty: {theirs!r}")
        # Complete by keyboard (Ctrl+Enter, then Enter on the focused Complete), then open the next one from the
        # "sent in" bar, as a doctor does.
        screen.xdotool("key", "ctrl+Return")
        await asyncio.sleep(0.5)
        screen.xdotool("key", "Return")
        if not await wait_for(lambda v=mine: _is(floor, v, "COMPLETED"), 10):
            problems.append(f"cycle {cycle}: visit {mine} was not completed from the keyboard")
            await house.post("/queue/complete-consultation", json={"visit_id": mine})
        paid = {"visit_id": mine, "method": "CARD", "status": "PAID"}
        if (await desk.post("/payments", json=paid)).status_code != 201:
            problems.append(f"cycle {cycle}: the desk could not take the payment of visit {mine}")
        await asyncio.sleep(1.5)
        screen.xdotool("mousemove", str(open_x), str(open_y), "click", "1")
        await asyncio.sleep(2)
        current = nxt
        await asyncio.sleep(max(0.0, args.every - 10 - args.draft_wait))

    # Nothing typed for one patient reached another's notes.
    for visit_id in typed:
        notes = await floor.notes(visit_id)
        for other_id, other in typed.items():
            if other_id != visit_id and any(s in notes for s in other):
                problems.append(f"visit {visit_id}'s notes hold text typed for visit {other_id}: {notes!r}")
    screen.shot(shots / "end.png")
    state = alive()
    print(f"end: {cycle} cycles in {(time.monotonic() - started) / 60:.1f} min; apps alive {state}", flush=True)
    rss = {name: f"{rss_mb(proc.pid):.0f} MB" for name, proc in apps.items()}
    print(f"rss at the end {rss}", flush=True)
    if not all(state.values()):
        problems.append(f"an app died: {state}")
    await desk.aclose()
    await house.aclose()
    for problem in problems:
        print("PROBLEM:", problem)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


async def _is(floor: Floor, visit_id: int, status: str) -> bool:
    return await floor.status(visit_id) == status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=20, help="seconds per patient")
    parser.add_argument("--shots", default="/tmp/xvfb_day")
    parser.add_argument("--notes-at", default="1420,270", help="x,y on the screen of the doctor's notes box")
    parser.add_argument("--open-at", default="1256,36", help="x,y of the Open button of the doctor's sent-in bar")
    parser.add_argument("--draft-wait", type=float, default=4.0)
    parser.add_argument("--explore", type=float, default=0, help="set up, then only wait this many seconds")
    args = parser.parse_args()
    for tool in ("Xvfb", "xdotool", "import"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install xvfb xdotool imagemagick", file=sys.stderr)
            return 2
    Path(args.shots).mkdir(parents=True, exist_ok=True)
    url = create_test_database("clinic_xvfb")
    env = {**os.environ, "DATABASE_URL": url}  # `demo --seed-only` migrates it first
    subprocess.run([sys.executable, "-m", "server.cli", "demo", "--seed-only"], env=env, cwd=ROOT, check=True)
    server = ServerProcess(url, migrate=False)
    server.start()
    screen = Screen()
    home = Path(tempfile.mkdtemp(prefix="xvfb_day_"))
    apps: dict[str, subprocess.Popen] = {}
    try:
        apps["reception"] = start_app(screen, "client_reception", "left", server.url, home, home / "reception.log")
        # The desk signs in as a receptionist would: the login dialog has the address filled in and the cursor
        # in the user name.
        dialog = asyncio.run(wait_for(lambda: screen.windows("Sign in") or screen.windows("Reception"), 60))
        time.sleep(2)
        if dialog:
            screen.xdotool("windowactivate", "--sync", dialog[0])
        screen.xdotool("type", "--delay", "30", "reception")
        screen.xdotool("key", "Tab")
        screen.xdotool("type", "--delay", "30", PASSWORD)
        screen.xdotool("key", "Return")
        apps["doctor"] = start_app(
            screen,
            "client_doctor",
            "right",
            server.url,
            home,
            home / "doctor.log",
            CLINIC_DOCTOR_AUTOLOGIN=f"dr.house:{PASSWORD}",
        )
        arrange(screen)
        screen.shot(Path(args.shots) / "start.png")
        if args.explore:
            print(f"DISPLAY={screen.display} server {server.url}; exploring for {args.explore} s", flush=True)
            time.sleep(args.explore)
            return 0
        return asyncio.run(run(args, screen, server.url, apps))
    finally:
        for proc in apps.values():
            proc.terminate()
        for proc in apps.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        screen.close()
        server.stop()
        drop_test_database(url)
        print(f"app logs in {home}")


if __name__ == "__main__":
    sys.exit(main())
