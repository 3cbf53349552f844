"""A clinic-floor soak: random but legal floor operations from several staff clients at once, every one of them
with a socket connected, against a real server; then the invariants (`check`). Used by
tests/server/test_floor_soak.py (a short run) and benchmarks/floor_soak.py (minutes).

Operations: walk-in check-ins with a random priority, check-ins of appointments that began a while ago (the
server's no-show task runs beside them), priority changes, calls by the desk and by the doctor, call-next from
both, sends (sometimes confirmed), undo, completion by the doctor, cancellations, payments taken, paid and
refunded, no-shows marked by the desk, cash-ups. A legal operation may be refused (409 a race lost, 404 nobody
waiting); anything else (422, 500, a 403 the role should not get) is a problem.

Invariants at the end:
- every room's events carry seq 1..N with no gap, N being that room's counter in the database;
- every visit's status is the last step of its audit trail, and the trail is a chain of legal transitions;
- every visit's priority is the last of its priority trail (NORMAL without one);
- an appointment is CHECKED_IN/COMPLETED exactly when it has a visit; a NO_SHOW one never has a visit;
- every payment's shares add up; the cash-up's totals agree with its lines and with the payments;
- the server log holds no traceback and no 500.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import socketio
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, PaymentStatus, Role, VisitStatus
from server.models import (
    Appointment,
    Clinic,
    Doctor,
    Payment,
    User,
    Visit,
    VisitPriorityChange,
    VisitStatusChange,
)
from server.services.queue import TRANSITIONS
from tests import factories as f

PRIORITIES = ("NORMAL", "URGENT", "EMERGENCY")
LEGAL_REFUSALS = {404, 409}


@dataclass
class Floor:
    clinic_id: int
    doctor_ids: list[int]
    doctor_users: dict[int, int]  # doctor id -> user id
    desk_user_ids: list[int]
    patient_ids: list[int]
    service_id: int
    appointment_ids: list[int]


def seed(session: Session, *, doctors: int = 3, desks: int = 2, patients: int = 40, appointments: int = 30) -> Floor:
    """A clinic (send limit 1, no-show after 20 min) with its staff, patients and appointments that began
    0-40 minutes ago (so some become no-shows while the desk checks others in)."""
    clinic = f.make_clinic(session, max_active_per_doctor=1, no_show_after_minutes=20)
    docs = [f.make_doctor(session, clinic) for _ in range(doctors)]
    desk = [f.make_user(session, role=Role.RECEPTIONIST, clinic=clinic) for _ in range(desks)]
    people = [f.make_patient(session, clinic) for _ in range(patients)]
    service = f.make_service(session, clinic, price="80.00")
    now = datetime.now(UTC)
    appts = []
    for i in range(appointments):
        start = now - timedelta(minutes=(i * 83) % 41, seconds=30)  # past: some overdue already, others soon
        appt = Appointment(
            clinic_id=clinic.id,
            patient_id=people[i % patients].id,
            doctor_id=docs[i % doctors].id,
            service_id=service.id,
            start_time=start - timedelta(days=i // 10),  # overlapping slots are spread over days
            end_time=start - timedelta(days=i // 10) + timedelta(minutes=5),
            status=AppointmentStatus.CONFIRMED,
        )
        session.add(appt)
        appts.append(appt)
    session.commit()
    return Floor(
        clinic_id=clinic.id,
        doctor_ids=[d.id for d in docs],
        doctor_users={d.id: d.user_id for d in docs},
        desk_user_ids=[u.id for u in desk],
        patient_ids=[p.id for p in people],
        service_id=service.id,
        appointment_ids=[a.id for a in appts],
    )


@dataclass
class Staff:
    name: str
    headers: dict[str, str]
    doctor_id: int | None = None
    seqs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    sio: socketio.AsyncClient | None = None


@dataclass
class Outcome:
    operations: int = 0
    answers: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: list[str] = field(default_factory=list)


async def _connect(url: str, staff: Staff, token: str) -> None:
    sio = socketio.AsyncClient(reconnection=False)

    @sio.on("*")
    async def _any(event: str, data: Any = None) -> None:
        if isinstance(data, dict) and "seq" in data and "room" in data:
            staff.seqs[data["room"]].add(data["seq"])

    await sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    staff.sio = sio


class Runner:
    def __init__(self, http: httpx.AsyncClient, floor: Floor, staff: list[Staff], rng: random.Random) -> None:
        self.http, self.floor, self.staff, self.rng = http, floor, staff, rng
        self.desk = [s for s in staff if s.doctor_id is None]
        self.doctors = [s for s in staff if s.doctor_id is not None]
        self.out = Outcome()

    async def _ask(self, who: Staff, method: str, path: str, *, ok=(200, 201), **kw) -> dict | None:
        r = await self.http.request(method, path, headers=who.headers, **kw)
        self.out.operations += 1
        self.out.answers[f"{method} {re.sub(r'/[0-9]+', '/{id}', path)} {r.status_code}"] += 1
        if r.status_code in ok:
            return r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        if r.status_code not in LEGAL_REFUSALS:
            self.out.problems.append(f"{who.name} {method} {path} {kw.get('json')} -> {r.status_code} {r.text[:300]}")
        return None

    async def _board(self) -> list[dict]:
        board = await self._ask(self.desk[0], "GET", "/queue")
        if not board:
            return []
        return board["waiting"] + board["with_doctor"] + board["completed"]

    async def step(self) -> None:
        rng, fl = self.rng, self.floor
        desk = rng.choice(self.desk)
        op = rng.choices(
            ["walk_in", "appt_in", "priority", "call", "call_next", "send", "undo", "complete", "cancel", "pay",
             "no_show", "cash_up"],
            weights=[8, 3, 3, 3, 4, 6, 1, 8, 1, 8, 1, 1],
        )[0]  # fmt: skip
        if op == "walk_in":
            body = {
                "patient_id": rng.choice(fl.patient_ids),
                "doctor_id": rng.choice(fl.doctor_ids),
                "service_id": fl.service_id,
                "priority": rng.choice(PRIORITIES),
            }
            await self._ask(desk, "POST", "/queue/checkin", json=body)
            return
        if op == "appt_in":
            await self._ask(desk, "POST", "/queue/checkin", json={"appointment_id": rng.choice(fl.appointment_ids)})
            return
        if op == "no_show":
            await self._ask(desk, "POST", f"/appointments/{rng.choice(fl.appointment_ids)}/no-show")
            return
        if op == "cash_up":
            await self._ask(desk, "GET", "/reports/cash-up", params={"format": rng.choice(["json", "csv"])})
            return
        if op == "call_next":
            doctor = rng.choice(self.doctors)
            who = rng.choice([doctor, desk])
            await self._ask(who, "POST", "/queue/call-next", json={"doctor_id": doctor.doctor_id, "room": "R1"})
            return
        visits = await self._board()
        if not visits:
            return
        visit = rng.choice(visits)
        vid, status = visit["id"], visit["status"]
        own = next(s for s in self.doctors if s.doctor_id == visit["doctor"]["id"])
        if op == "priority" and status in ("WAITING", "CALLED", "IN_PROGRESS"):
            body = {"visit_id": vid, "priority": rng.choice(PRIORITIES)}
            await self._ask(desk, "POST", "/queue/priority", json=body)
        elif op == "call" and status == "WAITING":
            await self._ask(rng.choice([desk, own]), "POST", "/queue/call", json={"visit_id": vid, "room": "R2"})
        elif op == "send" and status in ("WAITING", "CALLED"):
            body = {"visit_id": vid, "phase": "with_doctor", "confirm": rng.random() < 0.3}
            await self._ask(rng.choice([desk, own]), "POST", "/queue/phase/move", json=body)
        elif op == "undo" and status == "IN_PROGRESS":
            await self._ask(desk, "POST", "/queue/phase/move", json={"visit_id": vid, "phase": "waiting"})
        elif op == "complete" and status == "IN_PROGRESS":
            body = {"visit_id": vid, "notes": "ok", "prescription": "rest"}
            await self._ask(own, "POST", "/queue/complete-consultation", json=body)
        elif op == "cancel" and status in ("WAITING", "CALLED"):
            body = {"visit_id": vid, "cancel_appointment": rng.random() < 0.5}
            await self._ask(desk, "POST", "/queue/cancel", json=body)
        elif op == "pay" and status == "COMPLETED":
            paid = visit.get("payment_status")
            if paid is None or paid == "REFUNDED":
                await self._ask(desk, "POST", "/payments", json={"visit_id": vid, "status": "PENDING"})
            else:
                page = await self._ask(desk, "GET", "/payments", params={"visit_id": vid})
                for p in (page or {}).get("items", []):
                    if p["status"] == "PENDING":
                        await self._ask(desk, "POST", f"/payments/{p['id']}/pay", json={"method": "CARD"})
                    elif p["status"] == "PAID" and rng.random() < 0.3:
                        await self._ask(desk, "POST", f"/payments/{p['id']}/refund")

    async def client(self, until: float) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < until:
            await self.step()


async def soak(url: str, engine, floor: Floor, *, seconds: float, clients: int = 4, seed_value: int = 1) -> Outcome:
    """Run `clients` concurrent operation loops for `seconds` with every staff member's socket connected; then
    wait for the last events and check the invariants (Outcome.problems lists what failed)."""
    rng = random.Random(seed_value)
    with Session(engine) as session:
        users = {u.id: u for u in session.scalars(select(User).where(User.clinic_id == floor.clinic_id))}
        staff = [Staff(f"desk{i}", f.auth(users[uid])) for i, uid in enumerate(floor.desk_user_ids)]
        staff += [Staff(f"dr{d}", f.auth(users[uid]), doctor_id=d) for d, uid in floor.doctor_users.items()]
        tokens = {s.name: s.headers["Authorization"].split()[1] for s in staff}
    for s in staff:
        await _connect(url, s, tokens[s.name])
    # Counted once every socket is in its room: an event before that (the server's no-show task may fire while
    # the sockets connect) is not one they could have been sent, and is left out of the check.
    with Session(engine) as session:
        before = _counters(session, floor)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        runner = Runner(http, floor, staff, rng)
        until = asyncio.get_running_loop().time() + seconds
        await asyncio.gather(*(runner.client(until) for _ in range(clients)))
        await asyncio.sleep(1.5)  # the last events (and a no-show round) arrive
        with Session(engine) as session:
            problems = check(session, floor, staff, before)
        report = await http.get("/reports/cash-up", headers=staff[0].headers)
        problems += check_cash_up(engine, floor, report.json())
    for s in staff:
        if s.sio is not None:
            await s.sio.disconnect()
    runner.out.problems += problems
    return runner.out


def _counters(session: Session, floor: Floor) -> dict[str, int]:
    rooms = {f"clinic_{floor.clinic_id}": session.get(Clinic, floor.clinic_id).event_seq}
    for d in floor.doctor_ids:
        rooms[f"doctor_{d}"] = session.get(Doctor, d).event_seq
    return rooms


def check(session: Session, floor: Floor, staff: list[Staff], before: dict[str, int]) -> list[str]:
    problems: list[str] = []
    after = _counters(session, floor)
    for room, last in after.items():
        listeners = [s for s in staff if (s.doctor_id is None) == room.startswith("clinic_")]
        if room.startswith("doctor_"):
            listeners = [s for s in listeners if room == f"doctor_{s.doctor_id}"]
        expected = set(range(before[room] + 1, last + 1))
        for s in listeners:
            received = {seq for seq in s.seqs[room] if seq > before[room]}
            if received != expected:
                missing = sorted(expected - received)[:10]
                extra = sorted(received - expected)[:10]
                problems.append(f"{s.name} in {room}: seqs missing {missing} extra {extra} (counter {last})")
        for s in staff:
            if s not in listeners and s.seqs.get(room):
                problems.append(f"{s.name} got events of {room}, which is not its room")
    visits = session.scalars(select(Visit).where(Visit.clinic_id == floor.clinic_id)).all()
    trails: dict[int, list[VisitStatusChange]] = defaultdict(list)
    for row in session.scalars(
        select(VisitStatusChange)
        .join(Visit, Visit.id == VisitStatusChange.visit_id)
        .where(Visit.clinic_id == floor.clinic_id)
        .order_by(VisitStatusChange.id)
    ):
        trails[row.visit_id].append(row)
    priorities: dict[int, list[VisitPriorityChange]] = defaultdict(list)
    for row in session.scalars(
        select(VisitPriorityChange)
        .join(Visit, Visit.id == VisitPriorityChange.visit_id)
        .where(Visit.clinic_id == floor.clinic_id)
        .order_by(VisitPriorityChange.id)
    ):
        priorities[row.visit_id].append(row)
    for v in visits:
        trail = trails[v.id]
        steps = [(t.from_status, t.to_status) for t in trail]
        if not steps or steps[0] != (None, VisitStatus.WAITING):
            problems.append(f"visit {v.id}: trail does not start with check-in: {steps}")
            continue
        for (_, prev_to), (nxt_from, nxt_to) in zip(steps, steps[1:], strict=False):
            if nxt_from != prev_to or (nxt_from, nxt_to) not in TRANSITIONS:
                problems.append(f"visit {v.id}: broken trail {steps}")
                break
        if steps[-1][1] != v.status:
            problems.append(f"visit {v.id}: status {v.status} but trail ends {steps[-1]}")
        last_priority = priorities[v.id][-1].to_priority.value if priorities[v.id] else "NORMAL"
        if v.priority.value != last_priority:
            problems.append(f"visit {v.id}: priority {v.priority} but its trail says {last_priority}")
        if v.status == VisitStatus.CALLED and v.called_at is None:
            problems.append(f"visit {v.id}: CALLED without called_at")
    by_appointment: dict[int, list[Visit]] = defaultdict(list)
    for v in visits:
        if v.appointment_id is not None:
            by_appointment[v.appointment_id].append(v)
    for appt in session.scalars(select(Appointment).where(Appointment.id.in_(floor.appointment_ids))):
        mine = by_appointment.get(appt.id, [])
        if len(mine) > 1:
            problems.append(f"appointment {appt.id}: {len(mine)} visits")
        if appt.status in (AppointmentStatus.CONFIRMED, AppointmentStatus.NO_SHOW) and mine:
            problems.append(f"appointment {appt.id} is {appt.status} but has visit {mine[0].id} ({mine[0].status})")
        if appt.status in (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED) and not mine:
            problems.append(f"appointment {appt.id} is {appt.status} without a visit")
        if appt.status == AppointmentStatus.COMPLETED and mine[0].status != VisitStatus.COMPLETED:
            problems.append(f"appointment {appt.id} COMPLETED but its visit is {mine[0].status}")
    payments = session.scalars(
        select(Payment).join(Visit, Visit.id == Payment.visit_id).where(Visit.clinic_id == floor.clinic_id)
    ).all()
    for p in payments:
        if p.doctor_share + p.center_share != p.amount:
            problems.append(f"payment {p.id}: shares {p.doctor_share} + {p.center_share} != {p.amount}")
        if (p.status == PaymentStatus.PENDING) != (p.paid_at is None):
            problems.append(f"payment {p.id}: {p.status} with paid_at {p.paid_at}")
    live = session.execute(
        select(Payment.visit_id, func.count())
        .join(Visit, Visit.id == Payment.visit_id)
        .where(Visit.clinic_id == floor.clinic_id, Payment.status != PaymentStatus.REFUNDED)
        .group_by(Payment.visit_id)
        .having(func.count() > 1)
    ).all()
    for visit_id, n in live:
        problems.append(f"visit {visit_id}: {n} live (pending or paid) payments")
    return problems


def check_cash_up(engine, floor: Floor, report: dict) -> list[str]:
    problems: list[str] = []
    t = {k: Decimal(str(v)) if k not in ("count", "refunded_count") else v for k, v in report["totals"].items()}
    if t["doctor_share"] + t["center_share"] != t["amount"]:
        problems.append(f"cash-up: shares {t['doctor_share']} + {t['center_share']} != {t['amount']}")
    if t["amount"] - t["refunded"] != t["net"]:
        problems.append(f"cash-up: net {t['net']} != {t['amount']} - {t['refunded']}")
    by_doctor = sum((Decimal(str(d["amount"])) for d in report["by_doctor"]), Decimal(0))
    if by_doctor != t["amount"]:
        problems.append(f"cash-up: doctors' lines {by_doctor} != total {t['amount']}")
    with Session(engine) as session:
        paid = session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0))
            .join(Visit, Visit.id == Payment.visit_id)
            .where(Visit.clinic_id == floor.clinic_id, Payment.paid_at.is_not(None))
        )
    if Decimal(paid) != t["amount"]:  # everything of this run was paid today
        problems.append(f"cash-up: taken {t['amount']} but the payments paid today hold {paid}")
    return problems


def server_log_problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Traceback" in line or '" 500' in line][:20]
