"""What the audit against DESIGN.md and issues 2-4 pinned down: OpenAPI names every body, error bodies share one
shape and name the field, money keeps its scale, and the PATCH null rule is the same everywhere."""

from datetime import UTC, datetime

from common.enums import PaymentStatus, Role, VisitStatus
from common.schemas import ErrorOut
from tests.factories import (
    auth,
    make_clinic,
    make_doctor,
    make_patient,
    make_payment,
    make_service,
    make_user,
    make_visit,
)


def _ref(schema: dict) -> str | None:
    """The named schema of a response or body: a $ref, a list of $ref, or an optional $ref."""
    if "$ref" in schema:
        return schema["$ref"]
    if "$ref" in schema.get("items", {}):
        return schema["items"]["$ref"]
    named = [s["$ref"] for s in schema.get("anyOf", []) if "$ref" in s]
    return named[0] if named else None


# The routes whose answer is not JSON: the waiting-room page and its event stream.
NOT_JSON = {("get", "/display/{clinic_id}"): "text/html", ("get", "/display/{clinic_id}/events"): "text/event-stream"}


def test_every_route_documents_named_bodies_and_its_refusals(app):
    spec = app.api.openapi()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = next(code for code in op["responses"] if code.startswith("2"))
            if (method, path) in NOT_JSON:
                assert list(op["responses"][ok]["content"]) == [NOT_JSON[method, path]], (method, path)
            else:
                content = op["responses"][ok]["content"]["application/json"]
                assert _ref(content["schema"]), (method, path, content)
            if "requestBody" in op:
                body = op["requestBody"]["content"]["application/json"]["schema"]
                assert _ref(body), (method, path, body)
            if path == "/health":
                continue
            for code in ("401", "403", "404", "409"):
                refusal = op["responses"].get(code, {}).get("content", {}).get("application/json", {})
                assert refusal.get("schema", {}).get("$ref") == "#/components/schemas/ErrorOut", (method, path, code)


def test_error_bodies_have_one_shape(client, db):
    clinic = make_clinic(db)
    h = auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic))
    refusals = [
        client.get("/patients/2000000000", headers=h),  # NotFound
        client.get("/patients"),  # no token
        client.post("/patients", json={"full_name": 5}, headers=h),  # FastAPI's 422
        client.post("/patients", json={"full_name": "X", "clinic_id": clinic.id + 1}, headers=h),  # scope 404
        client.post("/queue/checkin", json={}, headers=h),  # a rule across fields
    ]
    assert [r.status_code for r in refusals] == [404, 401, 422, 404, 422]
    for r in refusals:
        ErrorOut.model_validate(r.json())
    assert [r.json().get("field") for r in refusals] == [None, None, "full_name", "clinic_id", "appointment_id"]
    assert refusals[2].json()["code"] == "invalid" and refusals[2].json()["detail"][0]["loc"] == ["body", "full_name"]


def test_patch_null_rule_is_the_same_for_every_resource(client, db):
    """An explicit null for a column that cannot be empty is a 422 naming it (admin and front desk alike);
    a nullable column (date of birth) may be cleared."""
    clinic = make_clinic(db)
    rec = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    patient = make_patient(db, clinic)
    h = auth(rec)
    r = client.patch(f"/patients/{patient.id}", json={"phone": None}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "phone"
    r = client.patch(f"/patients/{patient.id}", json={"date_of_birth": None}, headers=h)
    assert r.status_code == 200 and r.json()["date_of_birth"] is None
    service = make_service(db, clinic)
    admin = auth(make_user(db, role=Role.ADMIN))
    r = client.patch(f"/services/{service.id}", json={"name": None}, headers=admin)
    assert r.status_code == 422 and r.json()["field"] == "name"


def test_money_keeps_its_scale_when_nothing_was_paid(client, db):
    """History sums of a visit without a PAID payment read "0.00" like every other money figure."""
    clinic = make_clinic(db)
    doctor = make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    unpaid = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED)
    pending = make_visit(
        db,
        patient=patient,
        doctor=doctor,
        service=service,
        status=VisitStatus.COMPLETED,
        check_in_time=datetime.now(UTC),
    )
    make_payment(db, pending, status=PaymentStatus.PENDING)
    r = client.get(f"/patients/{patient.id}/history/{doctor.id}", headers=auth(doctor.user))
    assert r.status_code == 200, r.text
    by_id = {v["id"]: v for v in r.json()["items"]}
    for visit in (unpaid, pending):
        assert by_id[visit.id]["amount"] == "0.00" and by_id[visit.id]["doctor_share"] == "0.00"
    dashboard = client.get("/dashboard/reception", headers=auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic)))
    assert dashboard.json()["takings"] == {"paid": "0.00", "pending": "100.00", "refunded": "0.00"}


def test_doctor_dashboard_and_board_agree_on_today(client, db):
    """Today's visits are one rule: the visit's queue_date (the clinic-local day of check-in), for the board,
    the reception dashboard and the doctor's dashboard alike."""
    clinic = make_clinic(db, timezone="Pacific/Kiritimati")  # UTC+14: the local day is rarely the UTC day
    doctor = make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    rec = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    r = client.post(
        "/queue/checkin",
        json={"patient_id": patient.id, "doctor_id": doctor.id, "service_id": service.id},
        headers=auth(rec),
    )
    assert r.status_code == 201, r.text
    board = client.get("/queue", headers=auth(rec)).json()
    mine = client.get("/dashboard/doctor", headers=auth(doctor.user)).json()
    desk = client.get("/dashboard/reception", headers=auth(rec)).json()
    assert board["date"] == mine["date"] == desk["date"] == r.json()["queue_date"]
    assert [v["id"] for v in board["waiting"]] == [v["id"] for v in mine["waiting_visits"]] == [r.json()["id"]]
    assert mine["waiting"] == desk["waiting"] == 1


def test_an_inverted_date_range_is_refused_by_every_list(client, db):
    """One rule for date filters (clinic-local days, both ends inclusive): an end before the start is a 422 on
    end_date, whichever list is asked."""
    clinic = make_clinic(db)
    desk = auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic))
    doctor = auth(make_doctor(db, clinic, all_hours=False).user)
    inverted = {"start_date": "2025-03-10", "end_date": "2025-03-09"}
    for url, h in (
        ("/appointments", desk),
        ("/payments", desk),
        ("/dashboard/doctor/appointments", doctor),
        ("/doctors/earnings", doctor),
    ):
        r = client.get(url, params=inverted, headers=h)
        assert r.status_code == 422 and r.json()["field"] == "end_date", (url, r.text)
        one_day = client.get(url, params={"start_date": "2025-03-10", "end_date": "2025-03-10"}, headers=h)
        assert one_day.status_code == 200, (url, one_day.text)


def test_every_list_pages_the_same_way(client, db):
    """page ≥ 1 and 1 ≤ per_page ≤ 1000 on every paginated list (server.api.deps.PageNo / PerPage)."""
    clinic = make_clinic(db)
    desk = auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic))
    doctor = make_doctor(db, clinic, all_hours=False)
    patient = make_patient(db, clinic)
    lists = [
        ("/patients", desk),
        ("/appointments", desk),
        ("/payments", desk),
        (f"/patients/{patient.id}/history/{doctor.id}", desk),
        ("/doctors/earnings", auth(doctor.user)),
        ("/doctors/patients", auth(doctor.user)),
        ("/dashboard/doctor/appointments", auth(doctor.user)),
    ]
    for url, h in lists:
        assert client.get(url, params={"per_page": 1000}, headers=h).json()["per_page"] == 1000, url
        for bad, field in (({"per_page": 1001}, "per_page"), ({"per_page": 0}, "per_page"), ({"page": 0}, "page")):
            r = client.get(url, params=bad, headers=h)
            assert r.status_code == 422 and r.json()["field"] == field, (url, bad, r.text)


def test_a_database_failure_is_a_503_to_retry(client, db, monkeypatch):
    """PostgreSQL unreachable or out of connections: the client is told to retry (503, ErrorOut), not a 500."""
    from sqlalchemy.exc import OperationalError

    from server.services import patients as patient_service

    def unavailable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("too many clients already"))

    monkeypatch.setattr(patient_service, "search_patients", unavailable)
    clinic = make_clinic(db)
    r = client.get("/patients", headers=auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic)))
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert ErrorOut.model_validate(r.json()).code == "unavailable"
