"""GET /visits/{id}/timeline: status changes, priority changes, calls and payments, each with who and when,
oldest first; the same readers as GET /visits/{id}; a fixed number of statements however long the history."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from common.enums import PaymentMethod, PaymentStatus, Priority, Role, VisitStatus
from server.models import Payment, VisitPriorityChange, VisitStatusChange
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit
from tests.support.sql_counter import count_statements

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
S = VisitStatus


def _world(db):
    clinic = make_clinic(db)
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic, full_name="Rita Desk")
    doctor = make_doctor(db, clinic, full_name="Dr Who")
    visit = make_visit(
        db, patient=make_patient(db, clinic), doctor=doctor, service=make_service(db, clinic), status=S.COMPLETED
    )
    visit.room = "Room 2"
    return clinic, desk, doctor, visit


def _history(db, visit, desk, doctor, *, payments: int = 1):
    at = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    db.add_all(
        [
            VisitStatusChange(
                visit_id=visit.id, from_status=None, to_status=S.WAITING, changed_by=desk.id, changed_at=at(0)
            ),
            VisitPriorityChange(
                visit_id=visit.id,
                from_priority=Priority.NORMAL,
                to_priority=Priority.URGENT,
                changed_by=desk.id,
                changed_at=at(1),
            ),
            VisitStatusChange(
                visit_id=visit.id,
                from_status=S.WAITING,
                to_status=S.CALLED,
                room="Room 2",
                changed_by=doctor.user_id,
                changed_at=at(2),
            ),
            VisitStatusChange(
                visit_id=visit.id,
                from_status=S.CALLED,
                to_status=S.IN_PROGRESS,
                changed_by=doctor.user_id,
                changed_at=at(3),
            ),
            VisitStatusChange(
                visit_id=visit.id,
                from_status=S.IN_PROGRESS,
                to_status=S.COMPLETED,
                changed_by=doctor.user_id,
                changed_at=at(20),
            ),
        ]
    )
    for n in range(payments):
        created = at(21 + n)
        db.add(
            Payment(
                visit_id=visit.id,
                amount=Decimal("80.00"),
                doctor_share=Decimal("48.00"),
                center_share=Decimal("32.00"),
                status=PaymentStatus.REFUNDED,
                method=PaymentMethod.CARD,
                created_by=desk.id,
                created_at=created,
                paid_at=created,
                paid_by=desk.id,
                refunded_at=at(40 + n),
                refunded_by=doctor.user_id,
            )
        )
    db.flush()


def test_timeline_oldest_first_with_who_and_when(client, db):
    _, desk, doctor, visit = _world(db)
    _history(db, visit, desk, doctor)
    r = client.get(f"/visits/{visit.id}/timeline", headers=auth(doctor.user))
    assert r.status_code == 200, r.text
    lines = [(e["kind"], e["from_value"], e["to_value"], e["by_name"], e["detail"]) for e in r.json()]
    assert lines == [
        ("status", None, "WAITING", "Rita Desk", ""),
        ("priority", "NORMAL", "URGENT", "Rita Desk", ""),
        ("call", "WAITING", "CALLED", "Dr Who", "Room 2"),
        ("status", "CALLED", "IN_PROGRESS", "Dr Who", ""),
        ("status", "IN_PROGRESS", "COMPLETED", "Dr Who", ""),
        ("payment", None, "CREATED", "Rita Desk", "80.00 CARD"),
        ("payment", None, "PAID", "Rita Desk", "80.00 CARD"),
        ("payment", None, "REFUNDED", "Dr Who", "80.00 CARD"),
    ]
    ats = [datetime.fromisoformat(e["at"]) for e in r.json()]
    assert ats == sorted(ats) and ats[0] == T0
    assert r.json()[0]["by_user_id"] == desk.id
    # The desk reads it too (the same readers as the visit); nothing clinical is in it.
    assert client.get(f"/visits/{visit.id}/timeline", headers=auth(desk)).json() == r.json()


def test_timeline_readers_are_the_visits(client, db):
    clinic, desk, doctor, visit = _world(db)
    colleague = make_doctor(db, clinic)
    stranger = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    for user, status in ((colleague.user, 403), (stranger, 404)):
        timeline = client.get(f"/visits/{visit.id}/timeline", headers=auth(user))
        detail = client.get(f"/visits/{visit.id}", headers=auth(user))
        assert timeline.status_code == detail.status_code == status
        assert timeline.json() == detail.json()
    assert client.get("/visits/2000000000/timeline", headers=auth(desk)).status_code == 404


def test_timeline_statement_count_does_not_grow(client, db, engine):
    counts = []
    for payments in (1, 8):
        _, desk, doctor, visit = _world(db)
        _history(db, visit, desk, doctor, payments=payments)
        with count_statements(engine) as counter:
            r = client.get(f"/visits/{visit.id}/timeline", headers=auth(doctor.user))
        assert len(r.json()) == 5 + 3 * payments
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_pay_and_refund_record_who(client, db):
    """Through the desk's routes: whoever pays and whoever refunds is named on the timeline."""
    clinic, desk, doctor, visit = _world(db)
    other_desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic, full_name="Omar Desk")
    payment = client.post("/payments", json={"visit_id": visit.id}, headers=auth(desk)).json()
    assert client.post(f"/payments/{payment['id']}/pay", headers=auth(other_desk)).status_code == 200
    assert client.post(f"/payments/{payment['id']}/refund", headers=auth(desk)).status_code == 200
    lines = client.get(f"/visits/{visit.id}/timeline", headers=auth(doctor.user)).json()
    who = [(e["to_value"], e["by_name"], e["by_user_id"]) for e in lines if e["kind"] == "payment"]
    assert who == [
        ("CREATED", "Rita Desk", desk.id),
        ("PAID", "Omar Desk", other_desk.id),
        ("REFUNDED", "Rita Desk", desk.id),
    ]
