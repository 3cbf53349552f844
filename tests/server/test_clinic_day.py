"""A whole clinic day through a real server process, with a live socket for every role: the desk and an admin
watching clinic 1's desk room, two doctors of clinic 1, a doctor and the desk of clinic 2.

Bookings (one moved to the other doctor, one cancelled), check-ins (from an appointment and walk-ins, one with a
check-in note), moves (with an undo), a cancelled visit, completions, payments (pending → paid → refunded, paid at
once) in both clinics. Then, for every event every socket received:
- its envelope names the socket's own room and clinic, and each room's seqs are 1..n with no gap, n being the
  room's counter in the database (nothing was lost or sent twice);
- every field of its body is in its audience's allow-list (server/services/audience.py), walked through the
  body's wire schema, and the body is a valid wire model;
- nothing is about another clinic, and a doctor receives only their own visits, appointments and payments (the
  one exception: the old doctor of a moved appointment is told once that it left their schedule).
"""

import asyncio
import types
from datetime import UTC, datetime, timedelta
from typing import Any, Union, get_args, get_origin

import httpx
import pytest
from pydantic import BaseModel

from common import events as ev
from common.enums import Role
from common.events import EVENT_SCHEMAS, parse_event
from server.models import Appointment, Clinic, Doctor
from server.services.audience import ALLOWED, Audience
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, token_for
from tests.support.events import SocketRecorder

pytestmark = pytest.mark.timeout(120)

ENVELOPE = {"seq", "room", "clinic_id", "emitted_at"}
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The wire model inside a field's annotation (X, X | None, list[X]), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        for arg in get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
    return None


def _outside_allow_list(data: Any, model: type[BaseModel], audience: Audience, path: str = "") -> list[str]:
    """Every field of `data` (a body of wire model `model`) its audience may not see."""
    allowed = ALLOWED[audience].get(model)
    if allowed is None:
        return [f"{path or model.__name__}: {model.__name__} is not for the {audience.value} audience at all"]
    bad = [f"{path}.{name}" for name in data if name not in allowed]
    for name, info in model.model_fields.items():
        inner = _nested_model(info.annotation)
        value = data.get(name)
        if inner is None or value is None:
            continue
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            bad += _outside_allow_list(item, inner, audience, f"{path}.{name}[{i}]")
    return bad


def _doctor_of_event(name: str, body: dict[str, Any]) -> int | None:
    if "visit" in body:
        return body["visit"]["doctor_id"]
    if "appointment" in body:
        return body["appointment"]["doctor_id"]
    if "payment" in body:
        return body["payment"]["doctor_id"]
    return None  # queue_updated: checked by visit id


@pytest.fixture
def day(committed_db):
    db = committed_db
    one, two = make_clinic(db), make_clinic(db)
    w = {
        "one": one,
        "two": two,
        "desk": make_user(db, role=Role.RECEPTIONIST, clinic=one),
        "admin": make_user(db, role=Role.ADMIN),
        "a": make_doctor(db, one),
        "b": make_doctor(db, one),
        "c": make_doctor(db, two),
        "desk2": make_user(db, role=Role.RECEPTIONIST, clinic=two),
        "service": make_service(db, one, price="80.00"),
        "service2": make_service(db, two),
        "patients": [make_patient(db, one) for _ in range(5)],
        "patient2": make_patient(db, two),
    }
    begun = datetime.now(UTC) - timedelta(minutes=10)  # only an appointment that has begun can be a no-show
    w["late"] = Appointment(
        clinic_id=one.id,
        patient_id=w["patients"][3].id,
        doctor_id=w["b"].id,
        service_id=w["service"].id,
        start_time=begun,
        end_time=begun + timedelta(minutes=30),
    )
    db.add(w["late"])
    db.commit()
    return w


async def _run_the_day(url: str, w: dict[str, Any]) -> dict[str, Any]:
    """Everything a clinic day does, through HTTP; returns what the checks need to know."""
    p = w["patients"]
    facts: dict[str, Any] = {}

    async def call(user, method: str, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            r = await http.request(method, path, json=body, headers=auth(user))
        assert r.status_code == status, (method, path, r.text)
        return r.json()

    desk, a, b, c, desk2 = w["desk"], w["a"], w["b"], w["c"], w["desk2"]
    svc, svc2 = w["service"].id, w["service2"].id

    def booking(patient, doctor, hours: int, service: int = svc) -> dict[str, Any]:
        start = (TOMORROW + timedelta(hours=hours)).isoformat()
        return {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service, "start_time": start}

    # bookings: one kept, one moved from A to B, one cancelled
    kept = await call(desk, "POST", "/appointments", booking(p[0], a, 0), 201)
    moved = await call(desk, "POST", "/appointments", booking(p[1], a, 1), 201)
    await call(desk, "PATCH", f"/appointments/{moved['id']}", {"doctor_id": b.id})
    facts["moved_appointment"] = moved["id"]
    dropped = await call(desk, "POST", "/appointments", booking(p[2], b, 2), 201)
    await call(desk, "POST", f"/appointments/{dropped['id']}/cancel", {"reason": "patient ill"})
    await call(desk, "POST", "/appointments", booking(p[3], b, 4), 201)
    await call(desk, "POST", f"/appointments/{w['late'].id}/no-show")  # began 10 minutes ago

    # check-ins: from the kept appointment (A), walk-ins for B (with a note) and for A (then cancelled)
    v1 = await call(desk, "POST", "/queue/checkin", {"appointment_id": kept["id"]}, 201)
    walk_in = {"patient_id": p[3].id, "doctor_id": b.id, "service_id": svc, "notes": "came without the referral"}
    v2 = await call(desk, "POST", "/queue/checkin", walk_in, 201)
    v3 = await call(desk, "POST", "/queue/checkin", {"patient_id": p[4].id, "doctor_id": a.id, "service_id": svc}, 201)
    await call(desk, "POST", "/queue/cancel", {"visit_id": v3["id"]})

    # the floor: B's walk-in is triaged up, the desk calls A's patient to a room, B calls his next himself
    await call(desk, "POST", "/queue/priority", {"visit_id": v2["id"], "priority": "EMERGENCY"})
    await call(desk, "POST", "/queue/call", {"visit_id": v1["id"], "room": "Room 1"})
    called = await call(b.user, "POST", "/queue/call-next", {"doctor_id": b.id, "room": "Room 2"})
    assert called["id"] == v2["id"]

    # moves: to A, undone, then A takes the patient in himself and completes
    await call(desk, "POST", "/queue/phase/move", {"visit_id": v1["id"], "phase": "with_doctor"})
    await call(desk, "POST", "/queue/phase/move", {"visit_id": v1["id"], "phase": "waiting"})
    await call(a.user, "POST", "/queue/phase/move", {"visit_id": v1["id"], "phase": "with_doctor"})
    done = {"visit_id": v1["id"], "notes": "atrial fibrillation", "prescription": "apixaban 5 mg"}
    await call(a.user, "POST", "/queue/complete-consultation", done)
    await call(desk, "POST", "/queue/phase/move", {"visit_id": v2["id"], "phase": "with_doctor"})
    await call(b.user, "POST", "/queue/complete-consultation", {"visit_id": v2["id"], "notes": "sprain"})

    # payments: A's pending → paid → refunded; B's paid at once
    pay = await call(desk, "POST", "/payments", {"visit_id": v1["id"]}, 201)
    await call(desk, "POST", f"/payments/{pay['id']}/pay", {"method": "CARD"})
    await call(desk, "POST", f"/payments/{pay['id']}/refund")
    await call(desk, "POST", "/payments", {"visit_id": v2["id"], "status": "PAID"}, 201)

    # clinic 2: a walk-in seen and paid, a booking cancelled
    v4 = await call(
        desk2, "POST", "/queue/checkin", {"patient_id": w["patient2"].id, "doctor_id": c.id, "service_id": svc2}, 201
    )
    await call(desk2, "POST", "/queue/phase/move", {"visit_id": v4["id"], "phase": "with_doctor"})
    await call(c.user, "POST", "/queue/complete-consultation", {"visit_id": v4["id"], "notes": "otitis"})
    await call(desk2, "POST", "/payments", {"visit_id": v4["id"], "status": "PAID"}, 201)
    other = await call(desk2, "POST", "/appointments", booking(w["patient2"], c, 3, svc2), 201)
    await call(desk2, "POST", f"/appointments/{other['id']}/cancel")

    facts["visits"] = {a.id: {v1["id"], v3["id"]}, b.id: {v2["id"]}, c.id: {v4["id"]}}
    facts["v1"] = v1["id"]
    return facts


@pytest.mark.asyncio
async def test_a_clinic_day_every_socket_gets_its_own_and_only_what_it_may_read(live_server, committed_db, day):
    w = day
    one, two = w["one"].id, w["two"].id
    a, b, c = w["a"], w["b"], w["c"]
    # socket → (its room, the audience of that room, the clinic, the doctor it is, when it is one)
    sockets = {
        "desk": (w["desk"], f"clinic_{one}", Audience.DESK, one, None),
        "admin": (w["admin"], f"clinic_{one}", Audience.DESK, one, None),
        "a": (a.user, f"doctor_{a.id}", Audience.DOCTOR, one, a.id),
        "b": (b.user, f"doctor_{b.id}", Audience.DOCTOR, one, b.id),
        "c": (c.user, f"doctor_{c.id}", Audience.DOCTOR, two, c.id),
        "desk2": (w["desk2"], f"clinic_{two}", Audience.DESK, two, None),
    }
    rec = {name: SocketRecorder(live_server.url, token_for(user)) for name, (user, *_) in sockets.items()}
    try:
        for sock in rec.values():
            await sock.connect()
        ack = await rec["admin"].sio.call(ev.JOIN_CLINIC_ROOM, {"clinic_id": one}, timeout=5)
        assert ack == {"ok": True, "room": f"clinic_{one}"}

        facts = await _run_the_day(live_server.url, w)

        # every room's counter, as committed; then wait until each socket has seen its room up to it
        committed_db.expire_all()
        counters = {f"clinic_{cid}": committed_db.get(Clinic, cid).event_seq for cid in (one, two)}
        counters |= {f"doctor_{d.id}": committed_db.get(Doctor, d.id).event_seq for d in (a, b, c)}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while any(
            max((d["seq"] for _, d in rec[name].events), default=0) < counters[room]
            for name, (_, room, *_) in sockets.items()
        ):
            assert loop.time() < deadline, {n: len(r.events) for n, r in rec.items()}
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # anything routed to the wrong socket has arrived by now
    finally:
        for sock in rec.values():
            await sock.close()

    for name, (_, room, audience, clinic_id, doctor_id) in sockets.items():
        events = rec[name].events
        assert events, f"{name} received nothing"
        seqs = [data["seq"] for _, data in events]
        assert seqs == sorted(seqs), (name, seqs)  # in order
        assert sorted(set(seqs)) == list(range(1, counters[room] + 1)), (name, seqs, counters[room])  # no gap
        for event, data in events:
            where = (name, event, data.get("seq"))
            assert set(data) >= ENVELOPE, where
            assert (data["room"], data["clinic_id"]) == (room, clinic_id), where  # its own room and clinic only
            body = {k: v for k, v in data.items() if k not in ENVELOPE}
            assert _outside_allow_list(body, EVENT_SCHEMAS[event], audience) == [], where
            assert parse_event(event, data) is not None, where  # a valid wire body
            if doctor_id is None:
                continue
            concerned = _doctor_of_event(event, body)
            if concerned is None:
                assert body["visit_id"] in facts["visits"][doctor_id], where
            elif concerned != doctor_id:  # only the old doctor of the moved appointment, told once
                assert (name, event, body["appointment"]["id"]) == (
                    "a",
                    ev.APPOINTMENT_UPDATED,
                    facts["moved_appointment"],
                ), where

    names = {n: [e for e, _ in rec[n].events] for n in rec}
    # the desk sees the whole day of its clinic, without the clinical fields and without the doctors' hand-off
    assert names["desk"] == names["admin"]
    assert ev.PATIENT_WITH_DOCTOR not in names["desk"] and ev.PATIENT_WITH_DOCTOR not in names["desk2"]
    desk_visits = [d["visit"] for e, d in rec["desk"].events if e == ev.CONSULTATION_COMPLETED]
    assert {v["id"] for v in desk_visits} == facts["visits"][b.id] | {facts["v1"]}
    assert all("notes" not in v and "prescription" not in v for v in desk_visits)
    checkins = [d["visit"] for e, d in rec["desk"].events if e == ev.NEW_CHECKIN]
    assert "came without the referral" in [v["checkin_note"] for v in checkins]
    # each doctor gets their hand-offs (A twice: taken in, undone, taken in again) and their own notes back
    assert names["a"].count(ev.PATIENT_WITH_DOCTOR) == 2 and names["b"].count(ev.PATIENT_WITH_DOCTOR) == 1
    [mine] = [d["visit"] for e, d in rec["a"].events if e == ev.CONSULTATION_COMPLETED]
    assert (mine["notes"], mine["prescription"]) == ("atrial fibrillation", "apixaban 5 mg")
    assert [d["payment"]["status"] for e, d in rec["a"].events if e == ev.PAYMENT_PROCESSED] == [
        "PENDING",
        "PAID",
        "REFUNDED",
    ]
    assert [d["payment"]["status"] for e, d in rec["b"].events if e == ev.PAYMENT_PROCESSED] == ["PAID"]
    assert ev.APPOINTMENT_CANCELLED in names["b"] and ev.APPOINTMENT_CANCELLED in names["c"]
    assert ev.PAYMENT_PROCESSED in names["desk2"] and ev.PATIENT_WITH_DOCTOR in names["c"]
    # the floor: calls reach the desk and the called patient's doctor; a priority change too
    assert names["desk"].count(ev.VISIT_CALLED) == 2 and ev.PRIORITY_CHANGED in names["desk"]
    assert names["a"].count(ev.VISIT_CALLED) == 1 and names["b"].count(ev.VISIT_CALLED) == 1
    assert ev.PRIORITY_CHANGED in names["b"] and ev.PRIORITY_CHANGED not in names["a"]
    assert ev.VISIT_CALLED not in names["desk2"] and ev.VISIT_CALLED not in names["c"]
    no_shows = [d["appointment"]["doctor_id"] for e, d in rec["b"].events if e == ev.APPOINTMENT_UPDATED]
    assert b.id in no_shows
