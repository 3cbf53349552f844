"""Data scale: the doctor's and the desk's reads on a clinic grown to 50,000 patients, 200,000 visits and 1,000,000
payments (`clinic-server seed-scale`), 30 sequential requests each against a real server; p50/p99 printed
(target p99 <= 50 ms), then with --explain the EXPLAIN (ANALYZE, BUFFERS) plan of every statement those reads send.

    .venv/bin/python benchmarks/scale.py                    # makes and grows its own database (~3 min)
    .venv/bin/python benchmarks/scale.py --url postgresql+psycopg2://postgres@127.0.0.1/clinic_scale_x --explain

With --url the database must already hold the demo clinic grown by `clinic-server seed-scale --doctor dr.house`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import httpx
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session

from _bench import ROOT, Floor, p50, p99  # isort: skip
from server.models import Doctor, Patient, User, Visit  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

TARGET_MS = 50.0


def grow(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "server.cli", "demo", "--seed-only"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "server.cli", "seed-scale", "--doctor", "dr.house"], cwd=ROOT, env=env, check=True
    )
    print(f"seed-scale took {time.monotonic() - started:.0f} s")


def actors(url: str) -> dict:
    engine = create_engine(url)
    with Session(engine) as s:
        doctor = s.scalar(select(Doctor).join(User, User.id == Doctor.user_id).where(User.username == "dr.house"))
        desk = s.scalar(select(User).where(User.username == "reception"))
        # a patient with several visits with the doctor, and a search that matches a realistic handful
        patient_id = s.scalar(
            select(Visit.patient_id).where(Visit.doctor_id == doctor.id, Visit.queue_number >= 100000).limit(1)
        )
        name = s.scalar(select(Patient.full_name).where(Patient.id == patient_id))
        out = {
            "doctor_id": doctor.id,
            "doctor": f.token_for(doctor.user),
            "desk": f.token_for(desk),
            "patient_id": patient_id,
            "full_name": name,
            "counts": {t: s.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("patients", "visits", "payments")},
        }
    engine.dispose()
    return out


def requests(a: dict) -> list[tuple[str, str, str, dict, bool]]:
    """(name, token key, path, params, stream-first-row)."""
    first, last, _ = a["full_name"].split(" ")
    return [
        ("(baseline) GET /auth/me: auth alone, no data", "doctor", "/auth/me", {}, False),
        ("earnings summary + first page", "doctor", "/doctors/earnings", {"per_page": 50}, False),
        (
            "earnings this month, grouped by day",
            "doctor",
            "/doctors/earnings",
            {"group_by": "date", "start_date": time.strftime("%Y-%m-01")},
            False,
        ),
        ("earnings CSV: first row", "doctor", "/doctors/earnings", {"format": "csv"}, True),
        (f"My Patients search '{last}'", "doctor", "/doctors/patients", {"search": last}, False),
        (f"My Patients search '{first} {last}'", "doctor", "/doctors/patients", {"search": f"{first} {last}"}, False),
        ("My Patients search by phone '555 0012'", "doctor", "/doctors/patients", {"search": "555 0012"}, False),
        ("patient history (page 1)", "doctor", f"/patients/{a['patient_id']}/history/{a['doctor_id']}", {}, False),
        ("doctor dashboard", "doctor", "/dashboard/doctor", {}, False),
        ("board (reception)", "desk", "/queue", {}, False),
    ]


def measure_floor(url: str, rounds: int) -> tuple[str, float, float]:
    """The read floor (benchmarks/floors.py) asked the same way: one pooled SELECT 1, 10 items."""
    floor = Floor("read", db_url=url)
    try:
        with httpx.Client(base_url=floor.url, timeout=60) as http:
            times = []
            for _ in range(rounds + 2):
                t0 = time.perf_counter()
                http.get("/floor").raise_for_status()
                times.append((time.perf_counter() - t0) * 1000)
    finally:
        floor.stop()
    return "(floor) bare FastAPI route, one pooled SELECT 1", p50(times[2:]), p99(times[2:])


def measure(base: str, url: str, a: dict, rounds: int) -> list[tuple[str, float, float]]:
    """Each request cold: before it (untimed) the doctor's and the clinic's room seqs move, as a change made
    elsewhere would, so none is answered from the lists kept per room seq (services/read_cache.py) — every one
    runs its queries on the million rows."""
    rows = []
    engine = create_engine(url)
    moved = text(
        "UPDATE doctors SET event_seq = event_seq + 1 WHERE id = :d;"
        " UPDATE clinics SET event_seq = event_seq + 1 WHERE id = (SELECT clinic_id FROM doctors WHERE id = :d)"
    )
    with httpx.Client(base_url=base, timeout=60) as http, engine.connect() as conn:
        for name, who, path, params, stream in requests(a):
            headers = {"Authorization": f"Bearer {a[who]}"}
            times = []
            for _ in range(rounds + 2):  # two warm-ups
                conn.execute(moved, {"d": a["doctor_id"]})
                conn.commit()
                t0 = time.perf_counter()
                if stream:
                    with http.stream("GET", path, params=params, headers=headers) as r:
                        r.raise_for_status()
                        lines = r.iter_lines()
                        next(lines), next(lines)  # the header and the first row
                else:
                    r = http.get(path, params=params, headers=headers)  # never with If-None-Match: a whole answer
                    r.raise_for_status()
                times.append((time.perf_counter() - t0) * 1000)
            times = times[2:]
            rows.append((name, p50(times), p99(times)))
    engine.dispose()
    return rows


def explain(url: str, a: dict) -> None:
    """Run the services in-process, catch each statement with its parameters, print its plan."""
    from datetime import date

    from common.schemas import DoctorPatientsQuery, EarningsQuery, HistoryQuery
    from server.services import doctor_portal, earnings, history

    engine = create_engine(url, connect_args={"options": "-c jit=off"})  # as the server (server/core/db.py)
    caught: list[tuple[str, object]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _catch(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            caught.append((statement, parameters))

    with Session(engine) as s:
        doctor = s.get(Doctor, a["doctor_id"])
        user = doctor.user
        last = a["full_name"].split(" ")[1]
        work = [
            ("earnings summary + first page", lambda: earnings.earnings_page(s, doctor=doctor, query=EarningsQuery())),
            (
                "earnings CSV (first rows)",
                lambda: next(earnings.earnings_rows(s, doctor=doctor, query=EarningsQuery(format="csv"))),
            ),
            (
                f"My Patients search '{last}'",
                lambda: doctor_portal.patients(s, doctor=doctor, query=DoctorPatientsQuery(search=last)),
            ),
            (
                "patient history",
                lambda: history.history_page(
                    s, actor=user, patient_id=a["patient_id"], doctor_id=doctor.id, query=HistoryQuery()
                ),
            ),
            ("doctor dashboard", lambda: doctor_portal.dashboard(s, doctor=doctor)),
        ]
        for title, run in work:
            caught.clear()
            run()
            s.rollback()
            for statement, params in list(caught):
                if "pg_catalog" in statement or statement.strip() == "SELECT 1":
                    continue
                raw = s.connection().connection.dbapi_connection
                with raw.cursor() as cur:
                    sql = cur.mogrify(statement, params).decode()
                    if title.startswith("earnings CSV") and "LIMIT" not in sql:
                        # the export's server-side cursor: planned for its first rows; its first fetch is shown
                        cur.execute("SET LOCAL cursor_tuple_fraction = 0.001")
                        sql += "\n LIMIT 100  -- (added here: the cursor's first fetch)"
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(r[0] for r in cur.fetchall())
                s.rollback()
                print(f"\n#### {title}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```")
        del date
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a database already grown by seed-scale (else one is made and dropped)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    url = args.url or create_test_database("clinic_scale")
    try:
        if not args.url:
            from server.core.migrations import upgrade_to_head

            upgrade_to_head(url)
            grow(url)
        a = actors(url)
        server = ServerProcess(url)
        server.start()
        try:
            rows = [measure_floor(url, args.rounds), *measure(server.url, url, a, args.rounds)]
        finally:
            server.stop()
        c = a["counts"]
        print(
            f"scale: {c['patients']:,} patients, {c['visits']:,} visits, {c['payments']:,} payments; "
            f"{args.rounds} sequential requests each (target p99 <= {TARGET_MS:.0f} ms)"
        )
        for name, a50, a99 in rows:
            verdict = "" if name.startswith("(") else "met" if a99 <= TARGET_MS else "NOT met"
            print(f"  {name:<44} p50 {a50:7.1f} ms   p99 {a99:7.1f} ms   {verdict}")
        if args.explain:
            explain(url, a)
    finally:
        if not args.url:
            drop_test_database(url)


if __name__ == "__main__":
    main()
