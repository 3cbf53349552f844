"""A busy desk sends several events a second; the screens that are not shown must not refetch on each of them (the
ui_stall benchmark counted ~7 requests a second for hidden screens). They refetch when opened, and the one shown
keeps following the events."""

from __future__ import annotations

import asyncio

import httpx

from client_reception.app import ReceptionApp
from client_reception.views.main_window import BOARD, CHECKIN
from tests.factories import auth
from tests.reception.conftest import Desk, settle
from tests.support.qt import arun, until


def test_hidden_screens_wait_until_opened(reception: ReceptionApp, qloop, live_server, desk: Desk):
    app = reception
    window = app.window

    async def walk_in(http: httpx.AsyncClient, index: int) -> None:
        patient, doctor = desk.patients[index], desk.doctors[index % 2]
        body = {"patient_id": patient.id, "doctor_id": doctor.id, "service_id": desk.services[0].id}
        r = await http.post("/queue/checkin", json=body)
        assert r.status_code == 201, r.text

    async def scenario() -> None:
        window.nav.setCurrentRow(CHECKIN)  # opened once: loaded
        window.nav.setCurrentRow(BOARD)
        await settle(app)
        hidden = {vm: vm.fetch_count for vm in (app.checkin, app.appointments, app.payments)}
        board = app.board.fetch_count
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as http:
            for i in range(2):
                await walk_in(http, i + 2)
        await until(lambda: len(app.board.model.entries()) >= 2, 10)
        await asyncio.sleep(0.5)
        await settle(app)
        assert app.board.fetch_count > board  # the board, shown, follows the events
        assert {vm: vm.fetch_count for vm in hidden} == hidden  # the hidden screens did not refetch

        window.nav.setCurrentRow(CHECKIN)  # opened: it refetches once, and follows events while shown
        await until(lambda: app.checkin.fetch_count == hidden[app.checkin] + 1, 5)
        await settle(app)
        async with httpx.AsyncClient(base_url=live_server.url, headers=auth(desk.receptionist)) as http:
            await walk_in(http, 0)
        await until(lambda: app.checkin.fetch_count >= hidden[app.checkin] + 2, 5)
        await settle(app)

    arun(qloop, scenario(), timeout=60)
