"""Issue 10, part 4, through a real server process: 1,000 failed logins with large names leave the server's
memory (its RSS) within a small bound, and while the attacker is locked out the owner still signs in from
another address. (Before: every distinct 1 MB name was kept in the lockout table, ~1 MB per try, forever.)

uvicorn trusts X-Forwarded-For from 127.0.0.1 (as behind a local proxy), which is how one test client
speaks from several addresses."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from common.enums import Role
from tests.factories import PASSWORD, make_user
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.timeout(300)
ATTACKER, OWNER = "203.0.113.66", "198.51.100.1"
MB = 1024 * 1024


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(database_url):
    proc = ServerProcess(database_url, env={"LOGIN_MAX_FAILURES_PER_ADDRESS": "10"})  # fewer slow argon2 checks
    proc.start()
    yield proc
    proc.stop()


def _attempt(http: httpx.Client, i: int) -> int:
    """One failed login; the kind of large name depends on i."""
    if i % 10 < 7:  # a distinct name at the longest a username can be: counted, then throttled
        body: dict | bytes = {"username": f"{i:06d}" + "n" * 74, "password": "Winter2031!"}
    elif i % 10 < 9:  # a 100 kB name: refused by the schema (422) before anything is counted
        body = {"username": f"{i:06d}" + "n" * (100 * 1024), "password": "x"}
    else:  # a 2 MB body: refused by the body limit (413) before it is read
        body = b'{"username": "' + b"n" * (2 * MB) + b'", "password": "x"}'
    headers = {"X-Forwarded-For": ATTACKER}
    try:
        if isinstance(body, bytes):
            headers["Content-Type"] = "application/json"
            r = http.post("/auth/login", content=body, headers=headers)
        else:
            r = http.post("/auth/login", json=body, headers=headers)
    except httpx.TransportError:
        return 413  # the server answered 413 and closed while the client was still sending
    return r.status_code


def test_a_thousand_failed_logins_with_large_names_leave_memory_bounded(server, committed_db):
    owner = make_user(committed_db, role=Role.ADMIN)
    committed_db.commit()
    pid = server.proc.pid
    limits = httpx.Limits(max_connections=4)
    with ThreadPoolExecutor(4) as pool, httpx.Client(base_url=server.url, timeout=60, limits=limits) as http:
        list(pool.map(lambda i: _attempt(http, i), [0, 7, 9, 1, 8, 19]))  # warm up every path before measuring
        before = _rss_bytes(pid)
        statuses = list(pool.map(lambda i: _attempt(http, i), range(10, 1010)))
    after = _rss_bytes(pid)

    assert len(statuses) == 1000 and set(statuses) <= {401, 413, 422, 429}, set(statuses)
    assert statuses.count(429) > 600  # the address was throttled: most tries never reached a password check
    assert after - before < 40 * MB, f"RSS grew by {(after - before) / MB:.1f} MB"

    locked = httpx.post(f"{server.url}/auth/login", json={"username": owner.username, "password": PASSWORD},
                        headers={"X-Forwarded-For": ATTACKER})  # fmt: skip
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    ok = httpx.post(f"{server.url}/auth/login", json={"username": owner.username, "password": PASSWORD},
                    headers={"X-Forwarded-For": OWNER})  # fmt: skip
    assert ok.status_code == 200, ok.text
