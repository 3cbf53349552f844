"""Where one push's time goes, stage by stage: the client's send and receive of each timed move laid against the
marks the product server wrote (benchmarks/stage_probe/sitecustomize.py, `push_vs_floor.py --stages`). All marks are
`time.perf_counter()` (CLOCK_MONOTONIC, one clock for every process of the machine)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

PROBE_DIR = Path(__file__).resolve().parent / "stage_probe"


@dataclass(frozen=True)
class Round:
    sent: float  # the client sends POST /queue/phase/move
    answered: float  # the client holds the HTTP answer
    pushed: float  # the doctor's socket holds patient_with_doctor


Mark = tuple[str, str, float]


def _read(path: Path) -> list[Mark]:
    marks: list[Mark] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stage, detail, at = line.split("\t")
        marks.append((stage, detail, float(at)))
    return marks


def _first(marks: list[Mark], stage: str) -> float | None:
    return next((t for s, _, t in marks if s == stage), None)


def _one(r: Round, marks: list[Mark]) -> dict[str, float] | None:
    """One round's stages in ms, or None when a mark is missing (a round the probe did not see whole)."""
    need = ("asgi_in", "thread:start", "state_machine:start", "state_machine:end", "emit:start", "emit:end")
    at = {s: _first(marks, s) for s in need}
    if any(v is None for v in at.values()):
        return None
    a = {k: v for k, v in at.items() if v is not None}
    sql = 0.0
    statements = 0
    start: float | None = None
    for stage, detail, t in marks:
        if not a["thread:start"] <= t <= a["state_machine:end"]:
            continue
        if stage == "sql:start":
            start, statements = t, statements + (detail != "COMMIT")
        elif stage == "sql:end" and start is not None:
            sql, start = sql + (t - start), None
    commit = _first([m for m in marks if m[1] == "COMMIT"], "sql:start")
    route = a["state_machine:end"] - a["thread:start"]
    ms = {
        "client → server (httpx send, uvicorn HTTP parse)": a["asgi_in"] - r.sent,
        "ASGI → worker thread (middleware, routing, auth, body, thread hop)": a["thread:start"] - a["asgi_in"],
        f"SQL round trips in the move ({statements} statements and the COMMIT; BEGIN goes with the first)": sql,
        "Python in the move (SQLAlchemy ORM/core, pydantic shaping, state machine)": route - sql,
        "after commit → emit starts (loop hand-off, bus, earlier events of the change)": a["emit:start"]
        - a["state_machine:end"],
        "socket.io emit of patient_with_doctor": a["emit:end"] - a["emit:start"],
        "emit → the doctor's client holds it (websocket, client parse)": r.pushed - a["emit:end"],
    }
    for part in ("lock_visit", "send_limit", "history", "number_rooms"):
        s, e = _first(marks, part + ":start"), _first(marks, part + ":end")
        if s is not None and e is not None:
            ms[f"  of which {part} (its SQL and Python)"] = e - s
    if commit is not None:
        ms["  of which the COMMIT and the answer after it"] = a["state_machine:end"] - commit
    ms["total: send → push held"] = r.pushed - r.sent
    ms["(the HTTP answer held)"] = r.answered - r.sent
    return {k: v * 1000 for k, v in ms.items()}


def breakdown(path: Path, rounds: list[Round]) -> str:
    marks = _read(path)
    per_round: list[dict[str, float]] = []
    for r in rounds:
        window = [m for m in marks if r.sent <= m[2] <= max(r.answered, r.pushed)]
        one = _one(r, window)
        if one is not None:
            per_round.append(one)
    if not per_round:
        return "(no round had every mark)"
    lines = [f"stages of one push, median of {len(per_round)} rounds (ms):"]
    for name in per_round[0]:
        values = [p[name] for p in per_round if name in p]
        lines.append(f"  {statistics.median(values):7.2f}  {name}")
    return "\n".join(lines)
