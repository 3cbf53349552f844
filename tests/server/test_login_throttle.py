"""Issue 10, part 4: the lockout is per (username, client address) and per address, bounded in size and time,
shared through Redis when REDIS_URL is set, and every 429 says when to retry."""

import os
import time
import uuid

import pytest

from common.enums import Role
from server.core.config import get_settings
from server.core.counters import MemoryCounters, RedisCounters
from server.core.errors import TooManyRequests, Unauthorized
from server.services import auth as auth_service
from server.services.login_throttle import LoginThrottle
from tests.factories import PASSWORD, make_clinic, make_user

ATTACKER, OWNER_PC = "203.0.113.7", "198.51.100.20"


def _try(db, username: str, password: str, address: str) -> str:
    try:
        auth_service.login(db, username=username, password=password, address=address)
    except TooManyRequests:
        return "locked"
    except Unauthorized:
        return "wrong"
    return "ok"


def test_a_locked_out_attacker_does_not_lock_the_owner_out_elsewhere(db):
    admin = make_user(db, role=Role.ADMIN)
    limit = get_settings().login_max_failures
    assert [_try(db, admin.username, "guess", ATTACKER) for _ in range(limit)] == ["wrong"] * limit
    assert _try(db, admin.username, PASSWORD, ATTACKER) == "locked"  # even the right password, from there
    assert _try(db, admin.username, PASSWORD, OWNER_PC) == "ok"


def test_spraying_many_usernames_from_one_address_is_throttled(db):
    victim = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    per_address = get_settings().login_max_failures_per_address
    for i in range(per_address):
        assert _try(db, f"user{i}", "Winter2031!", ATTACKER) == "wrong"
    assert _try(db, victim.username, PASSWORD, ATTACKER) == "locked"
    assert _try(db, victim.username, PASSWORD, OWNER_PC) == "ok"


def test_every_429_carries_retry_after(client, db):
    user = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    for _ in range(get_settings().login_max_failures):
        client.post("/auth/login", json={"username": user.username, "password": "wrong-password"})
    r = client.post("/auth/login", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 429
    seconds = int(r.headers["retry-after"])
    assert 0 < seconds <= get_settings().login_lockout_seconds + 1
    assert r.json()["retry_after_seconds"] == seconds


def test_the_in_process_table_is_bounded_in_size():
    table = MemoryCounters(window=300, max_entries=100)
    for i in range(10_000):
        table.hit(f"key-{i}")
    assert len(table) == 100
    assert table.get("key-9999")[0] == 1 and table.get("key-0") == (0, 0.0)


def test_the_in_process_table_forgets_after_the_window():
    table = MemoryCounters(window=0.2, max_entries=100)
    for _ in range(3):
        table.hit("k")
    hits, left = table.get("k")
    assert hits == 3 and 0 < left <= 0.2
    time.sleep(0.3)
    assert table.get("k") == (0, 0.0) and len(table) == 0


@pytest.fixture
def redis_url() -> str:
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
    return f"{base.rstrip('/')}/12"  # hardening's Redis database (TEAM.md)


def test_redis_counters_are_shared_between_processes_and_expire(redis_url):
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = (RedisCounters(redis_url, prefix=prefix, window=60) for _ in range(2))
    try:
        one.hit("k")
        two.hit("k")
        hits, left = one.get("k")
        assert hits == 2 and 55 < left <= 60
        assert 55 < one._redis.ttl(prefix + "k") <= 60  # every key has an expiry: nothing stays forever
        two.clear("k")
        assert one.get("k") == (0, 0.0)
    finally:
        one._redis.delete(prefix + "k")
        one.close()
        two.close()


def test_with_redis_a_lockout_made_through_one_process_holds_in_another(db, redis_url, monkeypatch):
    user = make_user(db, role=Role.RECEPTIONIST, clinic=make_clinic(db))
    settings = get_settings()
    monkeypatch.setattr(settings, "redis_url", redis_url)
    monkeypatch.setattr(settings, "redis_key_prefix", f"test:{uuid.uuid4().hex}:")
    first, second = LoginThrottle(), LoginThrottle()  # two server processes
    try:
        for _ in range(settings.login_max_failures):
            first.check(user.username, ATTACKER)
            first.failed(user.username, ATTACKER)
        with pytest.raises(TooManyRequests):
            second.check(user.username.upper(), ATTACKER)
        second.check(user.username, OWNER_PC)  # the owner's address is not locked
    finally:
        first.reset()
        second.reset()
