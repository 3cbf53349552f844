"""Issue 13, the last pieces at the desk: a visit still open from before the clinic's midnight stays on the board
with "Since <day>" on its card, the board moves to the new day by itself when midnight passes with the window open,
and a visit's timeline shows its appointment's story (booked, rescheduled, checked in) beside its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from client_reception.app import ReceptionApp
from client_reception.views.board_card import card_chips
from common.enums import Phase, VisitStatus
from common.qt.formatting import format_date
from tests.factories import auth, make_visit
from tests.reception.conftest import Desk, open_timeline, settle
from tests.support.qt import arun, screenshot, until


def test_a_visit_open_since_yesterday_stays_on_the_board_marked(
    reception: ReceptionApp, qloop, live_server, desk: Desk, committed_db
):
    app = reception
    yesterday = datetime.now(UTC) - timedelta(days=1)
    carried = make_visit(
        committed_db,
        patient=desk.patients[1],
        doctor=desk.doctors[0],
        service=desk.services[0],
        status=VisitStatus.WAITING,
        queue_number=9,
        check_in_time=yesterday,
    )
    committed_db.commit()

    async def scenario() -> None:
        await app.board.fetch()
        await until(lambda: app.board.model.card(carried.id) is not None, 10)
        entry = app.board.model.card(carried.id).entry
        chips = [c.text for c in card_chips(entry, Phase.WAITING, True)]
        assert f"Since {format_date(yesterday.date())}" in chips, chips
        await settle(app)
        screenshot(app.window, "reception_board_past_midnight")

        # The window stays open over midnight: the board shows "yesterday" until its clock tick sees the new day,
        # then refetches once (not on every tick).
        fetches = app.board.fetch_count
        app.board.follow_day(app.board.day, app.board.day)  # still the same day: nothing
        assert app.board.fetch_count == fetches
        tomorrow = app.board.day + timedelta(days=1)
        app.board.follow_day(app.board.day, tomorrow)
        app.board.follow_day(app.board.day, tomorrow)
        await until(lambda: app.board.fetch_count == fetches + 1, 5)
        await settle(app)
        assert app.board.fetch_count == fetches + 1

    arun(qloop, scenario(), timeout=60)


def test_the_timeline_tells_the_appointments_story(
    reception: ReceptionApp, qloop, live_server, desk: Desk, committed_db
):
    app = reception
    appt = desk.appointments[0]

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as api:
            later = (appt.start_time + timedelta(minutes=30)).isoformat()
            r = await api.patch(f"/appointments/{appt.id}", json={"start_time": later})
            assert r.status_code == 200, r.text
            r = await api.post("/queue/checkin", json={"appointment_id": appt.id})
            assert r.status_code == 201, r.text
            visit_id = r.json()["id"]
        await until(lambda: app.board.model.card(visit_id) is not None, 10)
        timeline, rows = await open_timeline(app, visit_id, rows=3)
        what = [row[1] for row in rows]
        assert what[:2] == ["Appointment rescheduled", "Appointment: Confirmed → Checked in"], rows
        assert "→" in rows[0][3] and rows[0][2] == "Rita Reception"  # from which slot to which
        assert "Status: Waiting" in what
        screenshot(timeline, "reception_visit_timeline_appointment")
        timeline.close()

    arun(qloop, scenario(), timeout=60)
