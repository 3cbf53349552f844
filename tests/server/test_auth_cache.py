"""The auth cache (services/auth_cache.py): a cached caller costs no statement, and a revoked, deactivated or changed
user is refused on the very next request, whether the change was made through the ORM in this process or by SQL
from anywhere else (heard through LISTEN/NOTIFY); while the listener is down the cache answers nothing."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from common.enums import Role
from server.core.db import get_engine
from server.models import Doctor, User
from server.services.auth_cache import AuthCache
from server.services.auth_cache import cache as auth_cache
from tests import factories as f
from tests.server.conftest import LISTENER_WAIT as WAIT
from tests.support.sql_counter import count_app_statements


@pytest.fixture
def staff(app, live_client, committed_db: Session):
    before = app.auth_listener.batches
    clinic = f.make_clinic(committed_db)
    desk = f.make_user(committed_db, role=Role.RECEPTIONIST, clinic=clinic)
    doctor = f.make_doctor(committed_db, clinic)
    committed_db.commit()
    # the NOTIFYs of these new rows arrive late: they must not drop a snapshot the test has just stored (a test
    # failed once that way)
    _heard(app, before)
    return desk, doctor


def _sql(statement: str, **params: object) -> None:
    """A change made outside this process's sessions (another process, a CLI, psql): no ORM event sees it."""
    with get_engine().begin() as conn:
        conn.execute(text(statement), params)


def _heard(app, before: int) -> None:
    assert app.auth_listener.wait_for_batch(before, WAIT), "the NOTIFY never arrived"


def test_a_cached_caller_costs_no_statement(live_client, staff):
    desk, _ = staff
    assert live_client.get("/auth/me", headers=f.auth(desk)).status_code == 200  # read and kept
    with count_app_statements() as counter:
        r = live_client.get("/auth/me", headers=f.auth(desk))
    assert r.status_code == 200 and r.json()["id"] == desk.id
    assert counter.count == 0, str(counter)


def test_deactivation_through_the_orm_refuses_the_next_request(live_client, staff, committed_db):
    desk, _ = staff
    assert live_client.get("/queue", headers=f.auth(desk)).status_code == 200
    committed_db.get(User, desk.id).is_active = False
    committed_db.commit()
    assert live_client.get("/queue", headers=f.auth(desk)).status_code == 401


def test_session_revocation_refuses_the_old_token_at_once(live_client, staff, committed_db):
    desk, _ = staff
    old = f.auth(desk)
    assert live_client.get("/queue", headers=old).status_code == 200
    admin = f.make_user(committed_db, role=Role.ADMIN)
    committed_db.commit()
    r = live_client.patch(f"/users/{desk.id}", json={"password": "another-pass-123"}, headers=f.auth(admin))
    assert r.status_code == 200, r.text
    assert live_client.get("/queue", headers=old).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE users SET is_active = false WHERE id = :id",
        "UPDATE users SET session_version = session_version + 1 WHERE id = :id",
        "UPDATE users SET role = 'ADMIN', clinic_id = NULL WHERE id = :id",
    ],
)
def test_a_change_made_elsewhere_is_heard(app, live_client, staff, change):
    desk, _ = staff
    assert live_client.get("/queue", headers=f.auth(desk)).status_code == 200
    with count_app_statements() as counter:
        live_client.get("/auth/me", headers=f.auth(desk))
    assert counter.count == 0  # cached
    before = app.auth_listener.batches
    _sql(change, id=desk.id)
    _heard(app, before)
    r = live_client.get("/auth/me", headers=f.auth(desk))
    if "role" in change:
        assert r.status_code == 200 and r.json()["role"] == "ADMIN"
    else:
        assert r.status_code == 401


def test_a_doctor_profile_deactivated_elsewhere_is_heard(app, live_client, staff):
    _, doctor = staff
    headers = f.auth(doctor.user)
    assert live_client.get("/dashboard/doctor", headers=headers).status_code == 200
    before = app.auth_listener.batches
    _sql("UPDATE doctors SET is_active = false WHERE id = :id", id=doctor.id)
    _heard(app, before)
    assert live_client.get("/dashboard/doctor", headers=headers).status_code == 403


def test_the_doctor_room_seq_is_never_taken_from_the_cache(live_client, staff, committed_db):
    """The dashboard's cache key holds the doctor's room seq: a cached profile must not bring an old one."""
    _, doctor = staff
    headers = f.auth(doctor.user)
    first = live_client.get("/dashboard/doctor", headers=headers)
    _sql("UPDATE doctors SET event_seq = event_seq + 1 WHERE id = :id", id=doctor.id)  # no NOTIFY for a seq
    second = live_client.get("/dashboard/doctor", headers=headers)
    assert first.headers["etag"] != second.headers["etag"]
    assert committed_db.get(Doctor, doctor.id) is not None


def test_nothing_is_answered_from_the_cache_while_the_listener_is_down(app, live_client, staff):
    desk, _ = staff
    assert live_client.get("/auth/me", headers=f.auth(desk)).status_code == 200
    app.auth_listener.stop()
    assert not auth_cache.live
    with count_app_statements() as counter:
        assert live_client.get("/auth/me", headers=f.auth(desk)).status_code == 200
    assert counter.count > 0  # asked the database


def test_a_snapshot_read_before_a_drop_is_not_kept(db):
    cache = AuthCache()
    cache.listener_up()
    clinic = f.make_clinic(db)
    user = f.make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    db.flush()
    db.refresh(user, ["doctor"])
    generation = cache.generation()
    cache.invalidate({user.id})  # a NOTIFY heard while the read was on its way
    cache.store(user, generation)
    assert cache.attach(Session(), user.id, user.session_version) is None
    cache.store(user, cache.generation())
    assert cache.attach(Session(), user.id, user.session_version) is not None
