"""Clinic-floor soak (tests/support/floor_soak.py) for longer than the test's 20 s: random but legal floor
operations from several clients with every staff socket connected, the no-show task running every second; prints
what was answered and every broken invariant (gapless seqs per room, audit trails, appointments in step with
visits, shares, the cash-up, no 500 in the server log). Exit status 1 when something broke.

    .venv/bin/python benchmarks/floor_soak.py --seconds 120 --clients 6
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from server.core.migrations import upgrade_to_head  # noqa: E402
from tests.support.database import create_test_database, drop_test_database  # noqa: E402
from tests.support.floor_soak import seed, server_log_problems, soak  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = create_test_database("clinic_floor_soak")
    engine = create_engine(url)
    server = None
    try:
        upgrade_to_head(url)
        with Session(engine, expire_on_commit=False) as session:
            floor = seed(session)
        server = ServerProcess(url, env={"NO_SHOW_SWEEP_SECONDS": "1"})
        server.start()
        outcome = asyncio.run(soak(server.url, engine, floor, seconds=args.seconds, clients=args.clients,
                                   seed_value=args.seed))  # fmt: skip
        server.stop()
        problems = outcome.problems + server_log_problems(server.log_text())
        print(f"{outcome.operations} requests in {args.seconds:.0f} s from {args.clients} clients")
        for key, n in sorted(outcome.answers.items()):
            print(f"  {n:6d}  {key}")
        print("problems:" if problems else "no problems", *problems, sep="\n  ")
        return 1 if problems else 0
    finally:
        if server is not None:
            server.stop()
        engine.dispose()
        drop_test_database(url)


if __name__ == "__main__":
    raise SystemExit(main())
