"""The floors: the fastest the stack under the product allows, built from the same parts (uvicorn with the same
websocket implementation, FastAPI, python-socketio, psycopg2 through a SQLAlchemy pool).

- `push`: a bare python-socketio + FastAPI app. A socket joins the room named in its connect auth; `POST /emit`
  emits one event to a room at once and answers.
- `read`: a bare FastAPI sync route (`GET /floor`) doing one pooled psycopg2 `SELECT 1` and answering a 10-item
  JSON list.

    .venv/bin/python benchmarks/floors.py push --port 9001
    .venv/bin/python benchmarks/floors.py read --port 9002 --db postgresql+psycopg2://postgres@127.0.0.1/postgres

The benchmarks start these as subprocesses beside the product server (benchmarks/_bench.py).
"""

from __future__ import annotations

import argparse
from typing import Any

import socketio
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


class EmitRequest(BaseModel):
    room: str
    event: str = "patient_with_doctor"
    data: dict[str, Any] = {}


def push_app() -> socketio.ASGIApp:
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", logger=False, engineio_logger=False)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        room = auth.get("room") if isinstance(auth, dict) else None
        if room:
            await sio.enter_room(sid, room)

    api = FastAPI()

    @api.post("/emit")
    async def emit(body: EmitRequest) -> dict[str, bool]:
        await sio.emit(body.event, body.data, room=body.room)
        return {"ok": True}

    return socketio.ASGIApp(sio, other_asgi_app=api)


def read_app(db_url: str) -> FastAPI:
    from sqlalchemy import create_engine, text

    # the product's pool (server/core/db.py): 20 kept, 20 more on demand
    engine = create_engine(db_url, pool_size=20, max_overflow=20, pool_pre_ping=False)
    api = FastAPI()

    @api.get("/floor")
    def floor() -> list[dict[str, Any]]:
        with engine.connect() as conn:
            one = conn.execute(text("SELECT 1")).scalar_one()
        return [{"id": i, "name": f"item {i}", "value": one} for i in range(10)]

    return api


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("push", "read"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    app = push_app() if args.kind == "push" else read_app(args.db)
    # the product's uvicorn settings (server/cli.py), without the access log
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", ws="websockets-sansio")


if __name__ == "__main__":
    main()
