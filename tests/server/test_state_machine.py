"""The visit state machine (server.services.queue.change_visit_status) through POST /queue/phase/move,
/queue/cancel and the service itself: every legal move, every illegal one (409, nothing written), permissions."""

import pytest
from sqlalchemy import func, select

from common.enums import AppointmentStatus, Role, VisitStatus
from server.core.errors import Conflict, Forbidden, NotFound
from server.models import Appointment, Clinic, Visit, VisitStatusChange
from server.services.queue import TRANSITIONS, change_visit_status
from tests.factories import make_clinic, make_doctor, make_patient, make_service, make_user, make_visit

S = VisitStatus


@pytest.fixture
def world(db):
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic)
    other_doctor = make_doctor(db, clinic)
    reception = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    admin = make_user(db, role=Role.ADMIN)
    patient = make_patient(db, clinic)
    service = make_service(db, clinic)
    return {
        "clinic": clinic,
        "doctor": doctor,
        "other_doctor": other_doctor,
        "reception": reception,
        "admin": admin,
        "patient": patient,
        "service": service,
    }


def _visit(db, w, status: VisitStatus, **kw) -> Visit:
    return make_visit(db, patient=w["patient"], doctor=w["doctor"], service=w["service"], status=status, **kw)


def _audit_count(db, visit_id: int) -> int:
    return db.scalar(select(func.count()).select_from(VisitStatusChange).where(VisitStatusChange.visit_id == visit_id))


def _seq(db, clinic_id: int) -> int:
    return db.scalar(select(Clinic.event_seq).where(Clinic.id == clinic_id))


ILLEGAL = [(a, b) for a in S for b in S if (a, b) not in TRANSITIONS]


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transition_is_409_and_writes_nothing(db, world, current, target):
    visit = _visit(db, world, current)
    db.commit()
    before = (visit.version, _audit_count(db, visit.id), _seq(db, world["clinic"].id), visit.start_time)
    with pytest.raises(Conflict) as exc:
        change_visit_status(db, actor=world["admin"], visit_id=visit.id, target=target)
    assert exc.value.extra["current_status"] == current.value
    db.expire_all()
    visit = db.get(Visit, visit.id)
    assert visit.status == current
    after = (visit.version, _audit_count(db, visit.id), _seq(db, world["clinic"].id), visit.start_time)
    assert after == before


def test_illegal_move_over_http_is_409_with_current_status(client, db, world):
    visit = _visit(db, world, S.COMPLETED)
    r = client.post("/queue/phase/move", json={"visit_id": visit.id, "phase": "waiting"}, headers=_auth(world))
    assert r.status_code == 409, r.text
    assert r.json()["current_status"] == "COMPLETED"
    assert _audit_count(db, visit.id) == 0


def _auth(w, who: str = "reception"):
    from tests.factories import auth

    user = w[who] if who in ("reception", "admin") else w[who].user
    return auth(user)


@pytest.mark.parametrize(("current", "target"), list(TRANSITIONS), ids=[f"{a}->{b}" for a, b in TRANSITIONS])
def test_every_legal_transition_by_admin(db, world, current, target):
    visit = _visit(db, world, current)
    db.commit()
    seq_before = _seq(db, world["clinic"].id)
    moved = change_visit_status(db, actor=world["admin"], visit_id=visit.id, target=target)
    assert moved.status == target
    assert moved.version == 2
    rows = db.scalars(select(VisitStatusChange).where(VisitStatusChange.visit_id == visit.id)).all()
    assert [(r.from_status, r.to_status, r.changed_by) for r in rows] == [(current, target, world["admin"].id)]
    assert _seq(db, world["clinic"].id) == seq_before + 1


def test_receptionist_cannot_complete(client, db, world):
    visit = _visit(db, world, S.IN_PROGRESS)
    r = client.post("/queue/phase/move", json={"visit_id": visit.id, "phase": "completed"}, headers=_auth(world))
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "only the doctor can complete a consultation"
    r = client.post("/queue/phase/move", json={"visit_id": visit.id, "new_status": "COMPLETED"}, headers=_auth(world))
    assert r.status_code == 403
    db.expire_all()
    assert db.get(Visit, visit.id).status == S.IN_PROGRESS
    assert _audit_count(db, visit.id) == 0


def test_full_path_with_effects(client, db, world):
    """WAITING → CALLED → with_doctor → undo → with_doctor → completed (by the doctor), appointment in sync."""
    appt = Appointment(
        clinic_id=world["clinic"].id,
        patient_id=world["patient"].id,
        doctor_id=world["doctor"].id,
        service_id=world["service"].id,
        start_time=_now(),
        end_time=_now() + _minutes(30),
        status=AppointmentStatus.CHECKED_IN,
    )
    db.add(appt)
    db.flush()
    visit = _visit(db, world, S.WAITING, appointment_id=appt.id)
    rec = _auth(world)

    def move(body, headers=rec):
        return client.post("/queue/phase/move", json={"visit_id": visit.id, **body}, headers=headers)

    r = move({"new_status": "CALLED"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "CALLED" and r.json()["phase"] == "waiting"
    r = move({"phase": "with_doctor", "expected_version": 2})
    assert r.json()["status"] == "IN_PROGRESS" and r.json()["start_time"] is not None
    r = move({"phase": "waiting"})
    assert r.json()["status"] == "WAITING" and r.json()["start_time"] is None
    r = move({"phase": "with_doctor"}, headers=_auth(world, "doctor"))  # a doctor may start their own visit
    assert r.status_code == 200, r.text
    done = change_visit_status(
        db,
        actor=world["doctor"].user,
        visit_id=visit.id,
        target=S.COMPLETED,
        notes="fine",
        prescription="rest",
    )
    assert done.end_time is not None and done.notes == "fine" and done.prescription == "rest"
    db.expire_all()
    assert db.get(Appointment, appt.id).status == AppointmentStatus.COMPLETED
    trail = db.scalars(
        select(VisitStatusChange.to_status).where(VisitStatusChange.visit_id == visit.id).order_by(VisitStatusChange.id)
    ).all()
    assert trail == [S.CALLED, S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS, S.COMPLETED]


def test_stale_expected_version_is_409(client, db, world):
    visit = _visit(db, world, S.WAITING)
    r = client.post(
        "/queue/phase/move",
        json={"visit_id": visit.id, "phase": "with_doctor", "expected_version": 7},
        headers=_auth(world),
    )
    assert r.status_code == 409
    assert r.json()["current_version"] == 1 and r.json()["current_status"] == "WAITING"
    assert _audit_count(db, visit.id) == 0


def test_doctor_rules(db, world):
    visit = _visit(db, world, S.WAITING)
    db.commit()
    with pytest.raises(Forbidden):  # not their visit
        change_visit_status(db, actor=world["other_doctor"].user, visit_id=visit.id, target=S.IN_PROGRESS)
    with pytest.raises(Forbidden):  # cancelling is the front desk's job
        change_visit_status(db, actor=world["doctor"].user, visit_id=visit.id, target=S.CANCELLED)
    with pytest.raises(Forbidden):  # another doctor may not call it either
        change_visit_status(db, actor=world["other_doctor"].user, visit_id=visit.id, target=S.CALLED)
    # the visit's own doctor may call the patient (DESIGN: WAITING -> CALLED by reception, admin, the doctor)
    change_visit_status(db, actor=world["doctor"].user, visit_id=visit.id, target=S.CALLED)
    change_visit_status(db, actor=world["doctor"].user, visit_id=visit.id, target=S.IN_PROGRESS)
    with pytest.raises(Forbidden):  # undo is reception/admin only
        change_visit_status(db, actor=world["doctor"].user, visit_id=visit.id, target=S.WAITING)
    assert _audit_count(db, visit.id) == 2


def test_receptionist_of_another_clinic_gets_404(client, db, world):
    visit = _visit(db, world, S.WAITING)
    stranger = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    with pytest.raises(NotFound):
        change_visit_status(db, actor=stranger, visit_id=visit.id, target=S.CALLED)
    from tests.factories import auth

    r = client.post("/queue/cancel", json={"visit_id": visit.id}, headers=auth(stranger))
    assert r.status_code == 404


def test_cancel_route_and_appointment_sync(client, db, world):
    def booked_visit() -> tuple[Visit, Appointment]:
        appt = Appointment(
            clinic_id=world["clinic"].id,
            patient_id=world["patient"].id,
            doctor_id=world["doctor"].id,
            service_id=world["service"].id,
            start_time=_now(),
            end_time=_now() + _minutes(30),
            status=AppointmentStatus.CHECKED_IN,
        )
        db.add(appt)
        db.flush()
        return _visit(db, world, S.WAITING, appointment_id=appt.id), appt

    kept_visit, kept = booked_visit()
    r = client.post("/queue/cancel", json={"visit_id": kept_visit.id}, headers=_auth(world))
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    gone_visit, gone = booked_visit()
    r = client.post("/queue/cancel", json={"visit_id": gone_visit.id, "cancel_appointment": True}, headers=_auth(world))
    assert r.status_code == 200
    db.expire_all()
    assert db.get(Appointment, kept.id).status == AppointmentStatus.CHECKED_IN
    assert db.get(Appointment, gone.id).status == AppointmentStatus.CANCELLED
    r = client.post("/queue/cancel", json={"visit_id": gone_visit.id}, headers=_auth(world))
    assert r.status_code == 409 and r.json()["current_status"] == "CANCELLED"


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)
