"""The whole front-desk flow through a real server process and real Socket.IO clients:
patient → booking → check-in (new_checkin in the clinic room) → with_doctor (patient_with_doctor reaches the
right doctor only, with that doctor's history only) → completion → payment → board and dashboard."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from common.enums import PaymentStatus, Role, VisitStatus
from common.schemas import PatientWithDoctorEvent
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_payment,
    make_service,
    make_user,
    make_visit,
    token_for,
)
from tests.support.events import SocketRecorder

pytestmark = pytest.mark.timeout(60)


@pytest.mark.asyncio
async def test_reception_flow_end_to_end(live_server, committed_db):
    db = committed_db
    clinic = make_clinic(db, timezone="Europe/Paris")
    rec = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    house, grey = make_doctor(db, clinic), make_doctor(db, clinic)
    service = make_service(db, clinic, price="80.00", duration_minutes=30)
    db.commit()
    url = live_server.url

    reception = await SocketRecorder(url, token_for(rec)).connect()
    house_socket = await SocketRecorder(url, token_for(house.user)).connect()
    grey_socket = await SocketRecorder(url, token_for(grey.user)).connect()
    try:
        async with httpx.AsyncClient(base_url=url, headers=auth(rec), timeout=30) as http:
            # 1. a new patient
            r = await http.post("/patients", json={"full_name": "Flow Patient", "phone": "+33 1 23 45 67 89"})
            assert r.status_code == 201, r.text
            patient_id = r.json()["id"]

            # seed this patient's past: 12 visits with House (history keeps the last 10), 3 with Grey
            from server.models import Patient

            patient = db.get(Patient, patient_id)
            now = datetime.now(UTC)
            house_past = []
            for i in range(12):
                when = now - timedelta(days=30 + i)
                v = make_visit(
                    db,
                    patient=patient,
                    doctor=house,
                    service=service,
                    status=VisitStatus.COMPLETED,
                    check_in_time=when,
                    notes=f"house visit {i}",
                )
                make_payment(db, v, amount="80.00", status=PaymentStatus.PAID, paid_at=when)
                house_past.append(v.id)
            grey_past = [
                make_visit(
                    db,
                    patient=patient,
                    doctor=grey,
                    service=service,
                    status=VisitStatus.COMPLETED,
                    check_in_time=now - timedelta(days=1 + i),
                ).id
                for i in range(3)
            ]
            db.commit()

            # 2. book with House in an hour
            start = (now + timedelta(hours=1)).replace(microsecond=0)
            r = await http.post(
                "/appointments",
                json={
                    "patient_id": patient_id,
                    "doctor_id": house.id,
                    "service_id": service.id,
                    "start_time": start.isoformat(),
                },
            )
            assert r.status_code == 201, r.text
            appointment = r.json()
            created = await house_socket.wait_for("appointment_created")
            assert created[0]["appointment"]["id"] == appointment["id"]
            await reception.wait_for("appointment_created")

            # 3. check in → new_checkin in the clinic room
            r = await http.post("/queue/checkin", json={"appointment_id": appointment["id"]})
            assert r.status_code == 201, r.text
            visit = r.json()
            [checkin] = await reception.wait_for("new_checkin")
            assert checkin["visit"]["id"] == visit["id"] and checkin["visit"]["queue_number"] == 1
            assert checkin["clinic_id"] == clinic.id and checkin["seq"] >= 1
            board = (await http.get("/queue")).json()
            assert [e["id"] for e in board["waiting"]] == [visit["id"]]

            # 4. move to with_doctor → patient_with_doctor for House only
            r = await http.post("/queue/phase/move", json={"visit_id": visit["id"], "phase": "with_doctor"})
            assert r.status_code == 200, r.text
            [raw] = await house_socket.wait_for("patient_with_doctor")
            event = PatientWithDoctorEvent.model_validate(raw)
            assert event.visit.id == visit["id"] and event.visit.status == VisitStatus.IN_PROGRESS
            assert event.patient.id == patient_id and event.patient.phone == "+33 1 23 45 67 89"
            history_ids = [h.id for h in event.visit_history]
            assert history_ids == house_past[:10]  # newest first, only House's, current visit excluded
            assert not set(history_ids) & set(grey_past)
            assert all(h.payment_status == PaymentStatus.PAID for h in event.visit_history)
            await reception.wait_for("visit_status_changed", lambda d: d["to_status"] == "IN_PROGRESS")
            await house_socket.wait_for("visit_status_changed", lambda d: d["to_status"] == "IN_PROGRESS")

            # 5. House completes the consultation
            async with httpx.AsyncClient(base_url=url, headers=auth(house.user), timeout=30) as doctor_http:
                r = await doctor_http.post(
                    "/queue/complete-consultation",
                    json={"visit_id": visit["id"], "notes": "all good", "prescription": "water"},
                )
                assert r.status_code == 200, r.text
            [done] = await reception.wait_for("consultation_completed")
            assert "notes" not in done["visit"] and "prescription" not in done["visit"]  # clinical: not the desk's
            [mine] = await house_socket.wait_for("consultation_completed")
            assert (mine["visit"]["notes"], mine["visit"]["prescription"]) == ("all good", "water")
            r = await http.get("/appointments", params={"patient_id": patient_id})
            assert [a["status"] for a in r.json()["items"]] == ["COMPLETED"]

            # 6. payment at the desk
            r = await http.post("/payments", json={"visit_id": visit["id"], "method": "CARD"})
            assert r.status_code == 201, r.text
            payment = r.json()
            assert (payment["amount"], payment["doctor_share"], payment["center_share"]) == ("80.00", "48.00", "32.00")
            r = await http.post(f"/payments/{payment['id']}/pay")
            assert r.json()["status"] == "PAID"
            paid = await house_socket.wait_for("payment_processed", lambda d: d["payment"]["status"] == "PAID")
            assert paid[0]["payment"]["doctor_share"] == "48.00"

            board = (await http.get("/queue")).json()
            assert board["waiting"] == [] and [e["id"] for e in board["completed"]] == [visit["id"]]
            dashboard = (await http.get("/dashboard/reception")).json()
            assert dashboard["completed"] == 1 and dashboard["takings"]["paid"] == "80.00"

        await asyncio.sleep(0.3)  # anything leaking to the wrong doctor would have arrived by now
        assert grey_socket.events == []  # another doctor's patient: nothing at all reaches Grey
        assert reception.of("patient_with_doctor") == []
        assert len(house_socket.of("patient_with_doctor")) == 1
        # each room saw its changes in order, each with its own gapless seq
        for sock in (reception, house_socket):
            # (the patient's registration came before the seeding above, which moved the desk seq past the
            # services, as a change a client missed would: checked from the first event after it)
            seqs = [d["seq"] for name, d in sock.events if name != "patient_created"]
            assert seqs == sorted(seqs) and sorted(set(seqs)) == list(range(seqs[0], seqs[-1] + 1))
    finally:
        for socket in (reception, house_socket, grey_socket):
            await socket.close()
