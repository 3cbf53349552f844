"""A clinic open past its local midnight (issue 13): the visits still open from the day before stay on today's
board, in call-next, on the waiting-room screen and in the dashboards until they are seen or cancelled; the day's
own counts (checked in, completed) and an earlier day's board are unchanged; checking such a patient in again is
refused because they are visibly still in the queue."""

from datetime import UTC, datetime, timedelta

from common.enums import Role, VisitStatus
from server.services.display import display_state
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit

S = VisitStatus
NOW = datetime.now(UTC)
YESTERDAY = NOW - timedelta(days=1)


def _night(db):
    """Yesterday: one still waiting, one still called, one with the doctor, one completed, one cancelled.
    Today: one waiting (checked in after midnight)."""
    clinic = make_clinic(db, timezone="UTC")
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = make_doctor(db, clinic)
    service = make_service(db, clinic)

    def visit(status, when, number, **kw):
        return make_visit(
            db,
            patient=make_patient(db, clinic),
            doctor=doctor,
            service=service,
            status=status,
            check_in_time=when,
            queue_number=number,
            **kw,
        )

    old = {
        "waiting": visit(S.WAITING, YESTERDAY, 7),
        "called": visit(S.CALLED, YESTERDAY - timedelta(minutes=5), 6, room="Room 2", called_at=YESTERDAY),
        "with_doctor": visit(S.IN_PROGRESS, YESTERDAY - timedelta(minutes=30), 5),
        "completed": visit(S.COMPLETED, YESTERDAY - timedelta(hours=1), 4),
        "cancelled": visit(S.CANCELLED, YESTERDAY - timedelta(hours=2), 3),
    }
    today = visit(S.WAITING, NOW - timedelta(minutes=1), 1)
    return clinic, desk, doctor, old, today


def test_the_board_carries_open_visits_over_midnight(client, db):
    _, desk, _, old, today = _night(db)
    board = client.get("/queue", headers=auth(desk)).json()
    assert board["date"] == NOW.date().isoformat()
    assert [e["id"] for e in board["waiting"]] == [old["called"].id, old["waiting"].id, today.id]
    assert [e["id"] for e in board["with_doctor"]] == [old["with_doctor"].id]
    assert board["completed"] == []  # yesterday's completed visits stay on yesterday's board
    carried = board["waiting"][1]
    assert carried["queue_date"] == YESTERDAY.date().isoformat() and carried["wait_minutes"] >= 24 * 60

    yesterday = client.get("/queue", params={"date": YESTERDAY.date().isoformat()}, headers=auth(desk)).json()
    assert {e["id"] for e in yesterday["waiting"] + yesterday["with_doctor"] + yesterday["completed"]} == {
        old[k].id for k in ("waiting", "called", "with_doctor", "completed")
    }
    assert today.id not in {e["id"] for e in yesterday["waiting"]}


def test_call_next_takes_the_patient_waiting_since_before_midnight(client, db):
    _, _, doctor, old, today = _night(db)
    r = client.post("/queue/call-next", json={"doctor_id": doctor.id}, headers=auth(doctor.user))
    assert r.status_code == 200, r.text
    assert r.json()["id"] == old["waiting"].id
    r = client.post("/queue/call-next", json={"doctor_id": doctor.id}, headers=auth(doctor.user))
    assert r.json()["id"] == today.id


def test_the_waiting_room_screen_still_shows_them(db):
    clinic, _, _, old, today = _night(db)
    state = display_state(db, clinic_id=clinic.id)
    assert [s.queue_number for s in state.now_serving] == [old["called"].queue_number]
    assert state.next == [old["waiting"].queue_number, today.queue_number]


def test_dashboards_count_what_the_board_shows(client, db):
    _, desk, doctor, old, today = _night(db)
    desk_figures = client.get("/dashboard/reception", headers=auth(desk)).json()
    assert desk_figures["checked_in"] == 1  # today's own check-ins
    assert desk_figures["waiting"] == 3 and desk_figures["with_doctor"] == 1
    assert desk_figures["completed"] == 0 and desk_figures["cancelled"] == 0

    mine = client.get("/dashboard/doctor", headers=auth(doctor.user)).json()
    assert mine["today_visits"] == 1 and mine["completed"] == 0
    assert mine["waiting"] == 3 and mine["active_consultations"] == 1
    assert [v["id"] for v in mine["waiting_visits"]] == [old["called"].id, old["waiting"].id, today.id]
    assert [v["id"] for v in mine["active_visits"]] == [old["with_doctor"].id]


def test_a_carried_over_patient_cannot_be_queued_twice_and_leaves_once_seen(client, db):
    _, desk, doctor, old, _ = _night(db)
    carried = old["waiting"]
    again = {"patient_id": carried.patient_id, "doctor_id": doctor.id, "service_id": carried.service_id}
    r = client.post("/queue/checkin", json=again, headers=auth(desk))
    assert r.status_code == 409 and r.json()["visit_id"] == carried.id
    send = {"visit_id": carried.id, "phase": "with_doctor", "confirm": True}  # the doctor has one with them
    assert client.post("/queue/phase/move", json=send, headers=auth(desk)).status_code == 200
    done = client.post("/queue/complete-consultation", json={"visit_id": carried.id}, headers=auth(doctor.user))
    assert done.status_code == 200, done.text
    board = client.get("/queue", headers=auth(desk)).json()
    shown = {e["id"] for column in ("waiting", "with_doctor", "completed") for e in board[column]}
    assert carried.id not in shown  # completed, it goes back to its own day
