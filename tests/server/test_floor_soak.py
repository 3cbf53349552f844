"""A short clinic-floor soak (tests/support/floor_soak.py): 20 s of random but legal floor operations from four
clients at once, every staff member's socket connected, the server's no-show task running beside them; then the
invariants: gapless seqs per room, audit trails that explain every visit's status and priority, appointments
in step with their visits, shares that add up, a cash-up that agrees, and no 500 in the server log.
`benchmarks/floor_soak.py` runs the same for minutes."""

import asyncio

from tests.support.floor_soak import seed, server_log_problems, soak
from tests.support.server_process import ServerProcess


def test_a_busy_floor_keeps_its_invariants(database_url, engine, committed_db):
    floor = seed(committed_db)
    server = ServerProcess(database_url, env={"NO_SHOW_SWEEP_SECONDS": "1"})
    server.start()
    try:
        outcome = asyncio.run(soak(server.url, engine, floor, seconds=20, clients=4))
    finally:
        server.stop()
    problems = outcome.problems + server_log_problems(server.log_text())
    assert outcome.operations > 200, dict(outcome.answers)
    assert problems == [], "\n".join(problems[:30])
