"""Issue 13 on the server: triage priority, calling a patient, "call next", the send limit, the board's payment
status."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common.enums import PaymentStatus, Priority, Role, VisitStatus
from server.core.errors import NotFound
from server.models import User, Visit, VisitPriorityChange, VisitStatusChange
from server.services.calling import call_next
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_patient,
    make_payment,
    make_service,
    make_user,
    make_visit,
)
from tests.support.events import names, recorded_events, rooms

S = VisitStatus


def _world(db, **clinic_fields):
    clinic = make_clinic(db, **clinic_fields)
    return {
        "clinic": clinic,
        "rec": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "doctor": make_doctor(db, clinic),
        "colleague": make_doctor(db, clinic, all_hours=False),
        "service": make_service(db, clinic),
    }


def _visit(db, w, *, minutes_ago: int = 0, doctor=None, **kw) -> Visit:
    return make_visit(
        db,
        patient=make_patient(db, w["clinic"]),
        doctor=doctor or w["doctor"],
        service=w["service"],
        check_in_time=datetime.now(UTC) - timedelta(minutes=minutes_ago),
        **kw,
    )


def _rooms(w) -> tuple[str, str]:
    return f"clinic_{w['clinic'].id}", f"doctor_{w['doctor'].id}"


# --- priority ------------------------------------------------------------------------------------------------


def test_check_in_with_priority_is_audited(client, db):
    w = _world(db)
    walk_in = {"patient_id": make_patient(db, w["clinic"]).id, "doctor_id": w["doctor"].id}
    body = {**walk_in, "service_id": w["service"].id, "priority": "EMERGENCY"}
    r = client.post("/queue/checkin", json=body, headers=auth(w["rec"]))
    assert r.status_code == 201, r.text
    assert r.json()["priority"] == "EMERGENCY"
    rows = db.scalars(select(VisitPriorityChange).where(VisitPriorityChange.visit_id == r.json()["id"])).all()
    assert [(x.from_priority, x.to_priority, x.changed_by) for x in rows] == [(None, Priority.EMERGENCY, w["rec"].id)]


def test_set_priority_audits_bumps_version_and_tells_both_rooms(client, db):
    w = _world(db)
    visit = _visit(db, w)
    with recorded_events() as events:
        r = client.post("/queue/priority", json={"visit_id": visit.id, "priority": "URGENT"}, headers=auth(w["rec"]))
    assert r.status_code == 200, r.text
    assert r.json()["priority"] == "URGENT" and r.json()["version"] == visit.version
    db.expire_all()
    rows = db.scalars(select(VisitPriorityChange).where(VisitPriorityChange.visit_id == visit.id)).all()
    assert [(x.from_priority, x.to_priority, x.changed_by) for x in rows] == [
        (Priority.NORMAL, Priority.URGENT, w["rec"].id)
    ]
    assert rows[0].changed_at is not None
    desk, doctor = _rooms(w)
    assert rooms(events, "priority_changed") == {desk, doctor}
    assert names(events, desk) == names(events, doctor) == ["priority_changed", "queue_updated"]
    for e in events:
        if e.name == "priority_changed":
            assert e.data == {"visit_id": visit.id, "priority": "URGENT"}
    # the same priority again changes nothing
    with recorded_events() as events:
        again = client.post(
            "/queue/priority", json={"visit_id": visit.id, "priority": "URGENT"}, headers=auth(w["rec"])
        )
    assert again.status_code == 200 and again.json()["version"] == r.json()["version"] and events == []


def test_set_priority_refusals(client, db):
    w = _world(db)
    visit = _visit(db, w)
    done = _visit(db, w, status=S.COMPLETED)
    body = {"visit_id": visit.id, "priority": "URGENT"}
    assert client.post("/queue/priority", json=body, headers=auth(w["doctor"].user)).status_code == 403
    r = client.post("/queue/priority", json={**body, "visit_id": done.id}, headers=auth(w["rec"]))
    assert r.status_code == 409 and r.json()["current_status"] == "COMPLETED"
    r = client.post("/queue/priority", json={**body, "priority": "LOW"}, headers=auth(w["rec"]))
    assert r.status_code == 422


def test_waiting_lists_are_ordered_by_priority_then_check_in(client, db):
    w = _world(db)
    early = _visit(db, w, minutes_ago=30)
    later_urgent = _visit(db, w, minutes_ago=20, priority=Priority.URGENT)
    latest_emergency = _visit(db, w, minutes_ago=5, priority=Priority.EMERGENCY)
    mid_urgent = _visit(db, w, minutes_ago=25, priority=Priority.URGENT)
    called = _visit(db, w, minutes_ago=40, status=S.CALLED)
    expected = [latest_emergency.id, mid_urgent.id, later_urgent.id, called.id, early.id]

    board = client.get("/queue", headers=auth(w["rec"])).json()
    assert [e["id"] for e in board["waiting"]] == expected
    dashboard = client.get("/dashboard/doctor", headers=auth(w["doctor"].user)).json()
    assert [v["id"] for v in dashboard["waiting_visits"]] == expected
    assert dashboard["waiting_visits"][0]["priority"] == "EMERGENCY"


# --- calling -------------------------------------------------------------------------------------------------


def test_call_sets_room_and_called_at_and_emits_visit_called(client, db):
    w = _world(db)
    visit = _visit(db, w)
    with recorded_events() as events:
        r = client.post("/queue/call", json={"visit_id": visit.id, "room": "Room 2"}, headers=auth(w["rec"]))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "CALLED" and out["room"] == "Room 2" and out["called_at"] is not None
    assert out["phase"] == "waiting"
    desk, doctor = _rooms(w)
    assert rooms(events, "visit_called") == {desk, doctor}
    assert set(names(events, desk)) == {"visit_status_changed", "queue_updated", "visit_called"}
    called = next(e for e in events if e.name == "visit_called")
    assert called.data == {
        "visit_id": visit.id,
        "queue_number": visit.queue_number,
        "doctor_id": w["doctor"].id,
        "room": "Room 2",
    }
    trail = db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit.id)).all()
    assert [(t.from_status, t.to_status, t.changed_by) for t in trail] == [(S.WAITING, S.CALLED, w["rec"].id)]
    # calling again is not a transition of the state machine
    again = client.post("/queue/call", json={"visit_id": visit.id}, headers=auth(w["rec"]))
    assert again.status_code == 409 and again.json()["current_status"] == "CALLED"


def test_who_may_call(client, db):
    w = _world(db)
    mine, theirs = _visit(db, w), _visit(db, w)

    def call(visit, user):
        return client.post("/queue/call", json={"visit_id": visit.id}, headers=auth(user)).status_code

    assert call(mine, w["doctor"].user) == 200
    assert call(theirs, w["colleague"].user) == 403
    assert call(theirs, make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))) == 404
    assert call(theirs, w["rec"]) == 200
    # a called patient is sent in as before
    move = {"visit_id": theirs.id, "phase": "with_doctor"}
    r = client.post("/queue/phase/move", json=move, headers=auth(w["rec"]))
    assert r.status_code == 200 and r.json()["status"] == "IN_PROGRESS"


def test_call_next_takes_priority_then_check_in(client, db):
    w = _world(db)
    _visit(db, w, minutes_ago=30)
    urgent = _visit(db, w, minutes_ago=10, priority=Priority.URGENT)
    _visit(db, w, minutes_ago=50, doctor=w["colleague"], priority=Priority.EMERGENCY)  # another doctor's
    _visit(db, w, minutes_ago=60, status=S.CALLED)  # already called
    yesterday = datetime.now(UTC) - timedelta(days=1)
    make_visit(  # yesterday's cancelled emergency is nobody's next (an open one would be: test_past_midnight.py)
        db,
        patient=make_patient(db, w["clinic"]),
        doctor=w["doctor"],
        service=w["service"],
        status=S.CANCELLED,
        check_in_time=yesterday,
        priority=Priority.EMERGENCY,
    )
    body = {"doctor_id": w["doctor"].id, "room": "3"}
    with recorded_events() as events:
        r = client.post("/queue/call-next", json=body, headers=auth(w["doctor"].user))
    assert r.status_code == 200, r.text
    assert r.json()["id"] == urgent.id and r.json()["status"] == "CALLED" and r.json()["room"] == "3"
    assert "visit_called" in names(events)


def test_call_next_scope_and_nobody_waiting(client, db):
    w = _world(db)
    _visit(db, w)
    body = {"doctor_id": w["doctor"].id}
    assert client.post("/queue/call-next", json=body, headers=auth(w["colleague"].user)).status_code == 403
    other = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    assert client.post("/queue/call-next", json=body, headers=auth(other)).status_code == 404
    assert client.post("/queue/call-next", json=body, headers=auth(w["rec"])).status_code == 200
    r = client.post("/queue/call-next", json=body, headers=auth(w["rec"]))
    assert r.status_code == 404 and "nobody is waiting" in r.json()["detail"]
    assert w["doctor"].full_name in r.json()["detail"]


def test_concurrent_call_next_never_calls_one_visit_twice(engine, committed_db):
    n = 8
    w = _world(committed_db)
    for i in range(n - 2):  # fewer patients than callers: two must hear "nobody is waiting"
        _visit(committed_db, w, minutes_ago=i)
    committed_db.commit()
    rec_id, doctor_id = w["rec"].id, w["doctor"].id
    start = threading.Barrier(n, timeout=30)

    def press(_: int) -> int | None:
        with Session(engine, expire_on_commit=False) as session:
            actor = session.get(User, rec_id)
            start.wait()
            try:
                return call_next(session, actor=actor, doctor_id=doctor_id).id
            except NotFound:
                return None

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(press, range(n)))
    called = [r for r in results if r is not None]
    assert len(called) == len(set(called)) == n - 2 and results.count(None) == 2
    committed_db.expire_all()
    trail = committed_db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id.in_(called))).all()
    assert len(trail) == n - 2  # one WAITING -> CALLED each


def test_call_next_waits_for_a_locked_head_of_the_queue_instead_of_passing_it_over(engine, committed_db):
    """A payment being taken for the emergency patient holds a key-share lock on its visit row (the foreign key
    check of the insert); call-next used SKIP LOCKED and so called the next, normal patient instead."""
    w = _world(committed_db)
    normal = _visit(committed_db, w, minutes_ago=30)
    emergency = _visit(committed_db, w, minutes_ago=1, priority=Priority.EMERGENCY)
    committed_db.commit()
    rec_id, doctor_id = w["rec"].id, w["doctor"].id
    with Session(engine) as cashier:
        cashier.execute(select(Visit.id).where(Visit.id == emergency.id).with_for_update(key_share=True, read=True))

        def press() -> int:
            with Session(engine, expire_on_commit=False) as session:
                return call_next(session, actor=session.get(User, rec_id), doctor_id=doctor_id).id

        with ThreadPoolExecutor(1) as pool:
            pressed = pool.submit(press)
            threading.Event().wait(0.5)  # call-next is now waiting for the cashier's lock (or done, wrongly)
            cashier.commit()
            assert pressed.result(timeout=30) == emergency.id
    committed_db.expire_all()
    assert committed_db.get(Visit, normal.id).status == S.WAITING


def test_call_next_tries_the_next_one_when_its_candidate_was_taken_meanwhile(engine, committed_db):
    """The desk calls the head of the queue while call-next waits for its row: call-next calls the next one."""
    w = _world(committed_db)
    first, second = _visit(committed_db, w, minutes_ago=20), _visit(committed_db, w, minutes_ago=10)
    committed_db.commit()
    rec_id, doctor_id = w["rec"].id, w["doctor"].id
    with Session(engine) as desk:
        desk.scalars(select(Visit).where(Visit.id == first.id).with_for_update()).one()

        def press() -> int:
            with Session(engine, expire_on_commit=False) as session:
                return call_next(session, actor=session.get(User, rec_id), doctor_id=doctor_id).id

        with ThreadPoolExecutor(1) as pool:
            pressed = pool.submit(press)
            threading.Event().wait(0.5)
            desk.execute(update(Visit).where(Visit.id == first.id).values(status=S.CALLED))
            desk.commit()
            assert pressed.result(timeout=30) == second.id


# --- the send limit ------------------------------------------------------------------------------------------


def test_send_beyond_the_limit_asks_to_confirm(client, db):
    w = _world(db)
    _visit(db, w, status=S.IN_PROGRESS)
    visit = _visit(db, w)
    move = {"visit_id": visit.id, "phase": "with_doctor"}
    with recorded_events() as events:
        r = client.post("/queue/phase/move", json=move, headers=auth(w["rec"]))
    assert r.status_code == 409 and r.json()["code"] == "doctor_busy" and events == []
    assert w["doctor"].full_name in r.json()["detail"] and "1 patient" in r.json()["detail"]
    assert r.json()["active"] == 1 and r.json()["limit"] == 1
    db.expire_all()
    assert db.get(Visit, visit.id).status == S.WAITING
    r = client.post("/queue/phase/move", json={**move, "confirm": True}, headers=auth(w["rec"]))
    assert r.status_code == 200 and r.json()["status"] == "IN_PROGRESS"


def test_send_limit_follows_the_clinic_and_the_doctor(client, db):
    w = _world(db, max_active_per_doctor=2)
    _visit(db, w, status=S.IN_PROGRESS)
    _visit(db, w, doctor=w["colleague"], status=S.IN_PROGRESS)  # the colleague's patient does not count
    second, third = _visit(db, w), _visit(db, w)
    ok = client.post("/queue/phase/move", json={"visit_id": second.id, "phase": "with_doctor"}, headers=auth(w["rec"]))
    assert ok.status_code == 200
    r = client.post("/queue/phase/move", json={"visit_id": third.id, "phase": "with_doctor"}, headers=auth(w["rec"]))
    assert r.status_code == 409 and r.json()["code"] == "doctor_busy" and "2 patients" in r.json()["detail"]


def test_the_limit_is_the_desks_a_doctor_taking_a_patient_in_needs_no_confirmation(client, db):
    """Found in use: the doctor app pressing "Start" on a second patient got doctor_busy with nowhere to confirm."""
    w = _world(db)
    _visit(db, w, status=S.IN_PROGRESS)
    second = _visit(db, w)
    move = {"visit_id": second.id, "phase": "with_doctor"}
    r = client.post("/queue/phase/move", json=move, headers=auth(w["doctor"].user))
    assert r.status_code == 200 and r.json()["status"] == "IN_PROGRESS"


def test_undo_of_a_send_clears_the_call(client, db):
    """Back to waiting is back in the queue: the old call (room, time) must not reappear on the waiting-room
    screen when the patient is later sent in without a new call."""
    w = _world(db)
    visit = _visit(db, w)
    r = client.post("/queue/call", json={"visit_id": visit.id, "room": "Room 4"}, headers=auth(w["rec"]))
    assert r.status_code == 200 and r.json()["room"] == "Room 4"
    sent = client.post("/queue/phase/move", json={"visit_id": visit.id, "phase": "with_doctor"}, headers=auth(w["rec"]))
    assert sent.status_code == 200
    back = client.post("/queue/phase/move", json={"visit_id": visit.id, "phase": "waiting"}, headers=auth(w["rec"]))
    assert back.status_code == 200
    assert back.json()["status"] == "WAITING" and back.json()["room"] == "" and back.json()["called_at"] is None


# --- the board's payment status ------------------------------------------------------------------------------


def test_board_shows_payment_status(client, db):
    w = _world(db)
    unpaid = _visit(db, w, status=S.COMPLETED)
    pending = _visit(db, w, status=S.COMPLETED)
    make_payment(db, pending, status=PaymentStatus.PENDING)
    paid = _visit(db, w, status=S.COMPLETED)
    make_payment(db, paid, status=PaymentStatus.REFUNDED)
    make_payment(db, paid, status=PaymentStatus.PAID)  # paid again after a refund: PAID
    refunded = _visit(db, w, status=S.COMPLETED)
    make_payment(db, refunded, status=PaymentStatus.REFUNDED)
    board = client.get("/queue", headers=auth(w["rec"])).json()
    status = {e["id"]: e["payment_status"] for e in board["completed"]}
    assert status == {unpaid.id: None, pending.id: "PENDING", paid.id: "PAID", refunded.id: "REFUNDED"}


# --- cancel from the board -----------------------------------------------------------------------------------


def test_cancel_a_waiting_or_called_visit(client, db):
    w = _world(db)
    waiting, called = _visit(db, w), _visit(db, w)
    rec = auth(w["rec"])
    assert client.post("/queue/call", json={"visit_id": called.id, "room": "1"}, headers=rec).status_code == 200
    for visit in (waiting, called):
        with recorded_events() as events:
            r = client.post("/queue/cancel", json={"visit_id": visit.id}, headers=rec)
        assert r.status_code == 200 and r.json()["status"] == "CANCELLED", r.text
        assert "visit_status_changed" in names(events)
    board = client.get("/queue", headers=rec).json()
    assert {waiting.id, called.id}.isdisjoint(e["id"] for e in board["waiting"])
