"""The display token rides in the screen's URL; the server's access log must not keep it (anyone reading the logs
could otherwise open the clinic's waiting-room screen)."""

import logging
import time

import httpx

from common.schemas import DisplayTokenCreate
from server.core.logredact import RedactUrlSecrets
from server.services.display import create_token
from tests.factories import make_clinic
from tests.support.server_process import ServerProcess


def test_a_display_token_never_reaches_the_access_log(database_url, committed_db):
    clinic = make_clinic(committed_db)
    committed_db.commit()
    secret = create_token(committed_db, actor=None, data=DisplayTokenCreate(clinic_id=clinic.id, name="TV")).token
    server = ServerProcess(database_url, env={"ACCESS_LOG": "1"})  # the access log is off unless asked for
    server.start()
    try:
        for path in (f"/display/{clinic.id}/state", f"/display/{clinic.id}"):
            r = httpx.get(f"{server.url}{path}", params={"token": secret, "x": "1"}, timeout=10)
            assert r.status_code == 200, r.text
        deadline = time.monotonic() + 5
        while f"/display/{clinic.id}?token=[redacted]&x=1" not in server.log_text():
            assert time.monotonic() < deadline, server.log_text()[-2000:]
            time.sleep(0.05)
    finally:
        server.stop()
    assert secret not in server.log_text()
    assert f"/display/{clinic.id}/state?token=[redacted]&x=1" in server.log_text()


def test_the_filter_redacts_every_token_parameter_and_nothing_else():
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/display/3/events?x=token&token=abc%2Fdef&TOKEN=zz", "1.1", 200), None,
    )  # fmt: skip
    assert RedactUrlSecrets().filter(record)
    assert record.getMessage() == (
        '127.0.0.1:5 - "GET /display/3/events?x=token&token=[redacted]&TOKEN=[redacted] HTTP/1.1" 200'
    )
