"""Reception sends a patient in → the right doctor's app highlights the card and opens the consultation."""

from __future__ import annotations

import asyncio

from common.enums import VisitStatus
from tests.doctor.helpers import all_text, ok, reception_http
from tests.doctor.seed import Scene, add_waiting
from tests.support.qt import arun, screenshot, until


def test_push_highlights_card_and_opens_consultation_with_only_own_history(
    qloop, open_app, scene: Scene, live_server, committed_db
):
    others = [
        add_waiting(committed_db, scene, name=name, minutes_ago=minutes)
        for name, minutes in (("Ben Ortiz", 9), ("Chloe Park", 6), ("Dan Mills", 4), ("Eve Stone", 2))
    ]

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        await until(lambda: w.today_view.card(scene.visit.id) is not None, message="waiting card not shown")
        assert w.today_view.card(scene.visit.id).button.text() == "Start consultation"
        assert w.today_view.stat_waiting.value.text() == "5"
        # Only the next three waiting, in queue order.
        assert [v.id for v in w.today_vm.next_waiting] == [scene.visit.id, others[0].id, others[1].id]
        assert others[3].id not in w.today_view.cards
        screenshot(w, "doctor_today_waiting")

        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post("/queue/phase/move", json={"visit_id": scene.visit.id, "phase": "with_doctor"}))

        # The consultation opens by itself (the setting is on by default) with the right patient.
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10, "consultation not opened")
        view = w.consultation_view
        assert w.consultation_vm.visit_id == scene.visit.id
        assert view.patient_name.text() == "Alice Harper"
        assert "Penicillin" in view.allergies.text() and view.allergies.property("present") is True
        assert view.history_text.text() == "Hypertension since 2015"
        assert view.service.text() == "Cardiac check-up"
        # Previous visits: this doctor's only (the dermatologist's notes never reach this screen).
        history = w.consultation_vm.data.history
        assert {h.id for h in history} == {v.id for v in scene.own_history}
        text = all_text(view.history_model)
        assert "BP stable" in text and "Aspirin 81 mg" in text
        assert "Dermatology" not in text and "Hydrocortisone" not in text
        assert view.complete.isEnabled()
        # A toast (and the tray when there is one) announced the patient.
        assert any("Alice Harper" in n for n in w.notifications)
        assert w.toast.isVisible() and "Alice Harper" in w.toast.text()
        screenshot(w, "doctor_consultation")

        # Back on Today's Work the pushed patient's card is highlighted under "With you now".
        view.back.click()
        await until(lambda: w.today_view.card(scene.visit.id) is not None and not w.in_consultation)
        await until(lambda: w.today_view.card(scene.visit.id).visit.status == VisitStatus.IN_PROGRESS, 5)
        card = w.today_view.card(scene.visit.id)
        assert card.highlighted
        assert card.button.text() == "Open consultation"
        assert w.today_view.stat_active.value.text() == "1"
        screenshot(w, "doctor_today")

    arun(qloop, scenario(), timeout=40)


def test_push_without_auto_open_highlights_only(qloop, open_app, scene: Scene, live_server):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username, auto_open=False)
        w = session.window
        assert not w.today_view.auto_open.isChecked()
        await until(lambda: w.today_view.card(scene.visit.id) is not None)
        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post("/queue/phase/move", json={"visit_id": scene.visit.id, "phase": "with_doctor"}))
        await until(lambda: w.today_vm.highlighted_visit_id == scene.visit.id, 10)
        await until(lambda: (c := w.today_view.card(scene.visit.id)) is not None and c.highlighted, 5)
        await until(lambda: w.today_view.card(scene.visit.id).visit.status == VisitStatus.IN_PROGRESS, 5)
        assert not w.in_consultation
        # The highlighted card's button opens the consultation.
        w.today_view.card(scene.visit.id).button.click()
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        assert w.consultation_view.patient_name.text() == "Alice Harper"

    arun(qloop, scenario(), timeout=40)


def test_second_doctor_never_sees_the_first_doctors_push(qloop, open_app, scene: Scene, live_server):
    async def scenario() -> None:
        mine = await open_app(scene.doctor_username, profile="a")
        other = await open_app(scene.other_username, profile="b")
        await until(lambda: other.window.today_vm.dashboard is not None)
        pushes: list[object] = []
        other.window.today_vm.sent_in.connect(lambda *args: pushes.append(args))
        other_events: list[str] = []
        other.bridge.patient_with_doctor.connect(lambda payload: other_events.append("patient_with_doctor"))

        async with reception_http(live_server.url, scene.receptionist) as http:
            ok(await http.post("/queue/phase/move", json={"visit_id": scene.visit.id, "phase": "with_doctor"}))
        await until(lambda: mine.window.in_consultation, 10, "the first doctor did not get the push")
        await asyncio.sleep(1.0)  # give a stray event every chance to arrive
        ow = other.window
        assert other_events == [] and pushes == []
        assert not ow.in_consultation and ow.notifications == [] and not ow.toast.isVisible()
        assert ow.today_vm.highlighted_visit_id is None
        await until(lambda: ow.today_vm.fetch_count >= 1)
        assert scene.visit.id not in ow.today_view.cards
        assert all(v.doctor_id == scene.other_doctor.id for v in ow.today_vm.active_visits + ow.today_vm.next_waiting)
        screenshot(ow, "doctor_other_doctor_today")

    arun(qloop, scenario(), timeout=40)


def test_indicator_and_resync_refetch_what_is_loaded(qloop, open_app, scene: Scene):
    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        assert w.indicator.state == "connected" and w.indicator.text == "Connected"
        w.nav.setCurrentRow(3)
        await until(lambda: w.schedule_vm.fetch_count == 1 and w.today_vm.fetch_count >= 1)
        today, schedule = w.today_vm.fetch_count, w.schedule_vm.fetch_count
        room = f"doctor_{scene.doctor.id}"  # a doctor's socket is in its own room only, with its own seq
        base = session.live.last_seq.get(room, 0) + 100
        session.live.handle_event("queue_updated", {"seq": base, "room": room, "clinic_id": scene.clinic.id})
        session.live.handle_event("queue_updated", {"seq": base + 4, "room": room, "clinic_id": scene.clinic.id})
        await until(lambda: w.schedule_vm.fetch_count == schedule + 1, 5, "schedule not refetched on a seq gap")
        await until(lambda: w.today_vm.fetch_count > today, 5)
        assert w.earnings_vm.pages_fetched == 0  # never opened: nothing to refetch

    arun(qloop, scenario(), timeout=30)
