# ruff: noqa: E501  (the CASES table reads best one case per line)
"""Bad input to every front-desk and doctor write (POST/PATCH): wrong types or missing fields → 422 naming the
field; unknown ids in a body → 404 naming the field; another clinic's ids → 404; a refused state change → 409.
In every case nothing is written: row counts, the clinic's event_seq and the targeted rows stay as they were,
and no event is released. (The admin routes have the same sweep in test_admin_validation.py.)"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from common.enums import AppointmentStatus, PaymentStatus, Role, VisitStatus
from server.models import Appointment, Clinic, DoctorSchedule, Patient, Payment, Visit, VisitStatusChange
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
from tests.support.events import recorded_events

MISSING = 2_000_000_000
# A Monday 09:00 (UTC clinic) well in the future; `doctor` works Mondays 09:00–10:00 and nothing else.
SLOT = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def env(db):
    clinic, other = make_clinic(db), make_clinic(db)
    doctor, part_timer = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    db.add(DoctorSchedule(doctor_id=doctor.id, day_of_week=SLOT.weekday(), hour=SLOT.hour, is_available=True))
    retired = make_doctor(db, clinic, all_hours=False, is_active=False)
    foreign_doctor = make_doctor(db, other, all_hours=False)
    patient, walk_in, foreign_patient = make_patient(db, clinic), make_patient(db, clinic), make_patient(db, other)
    service, foreign_service = make_service(db, clinic), make_service(db, other)
    appt = Appointment(
        clinic_id=clinic.id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=SLOT,
        end_time=SLOT + timedelta(minutes=30),
        status=AppointmentStatus.CONFIRMED,
    )
    foreign_appt = Appointment(
        clinic_id=other.id,
        patient_id=foreign_patient.id,
        doctor_id=foreign_doctor.id,
        service_id=foreign_service.id,
        start_time=SLOT,
        end_time=SLOT + timedelta(minutes=30),
        status=AppointmentStatus.CONFIRMED,
    )
    db.add_all([appt, foreign_appt])
    db.flush()
    visit = make_visit(db, patient=walk_in, doctor=doctor, service=service)
    in_progress = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.IN_PROGRESS)
    cancelled = make_visit(db, patient=patient, doctor=doctor, service=service, status=VisitStatus.CANCELLED)
    foreign_visit = make_visit(db, patient=foreign_patient, doctor=foreign_doctor, service=foreign_service)
    payment = make_payment(db, in_progress, status=PaymentStatus.PENDING)
    foreign_payment = make_payment(db, foreign_visit, status=PaymentStatus.PAID)
    return {
        "clinic": clinic,
        "other": other,
        "doctor": doctor,
        "part_timer": part_timer,
        "retired": retired,
        "foreign_doctor": foreign_doctor,
        "patient": patient,
        "walk_in": walk_in,
        "foreign_patient": foreign_patient,
        "service": service,
        "foreign_service": foreign_service,
        "appt": appt,
        "foreign_appt": foreign_appt,
        "visit": visit,
        "in_progress": in_progress,
        "cancelled": cancelled,
        "foreign_visit": foreign_visit,
        "payment": payment,
        "foreign_payment": foreign_payment,
        "as": {
            "desk": auth(make_user(db, role=Role.RECEPTIONIST, clinic=clinic)),
            "admin": auth(make_user(db, role=Role.ADMIN)),
            "doctor": auth(doctor.user),
        },
    }


def _slot(**kw):
    return (SLOT + timedelta(**kw)).isoformat()


def _book(e, **kw):
    body = {
        "patient_id": e["patient"].id,
        "doctor_id": e["doctor"].id,
        "service_id": e["service"].id,
        "start_time": _slot(days=7),
    }
    return {k: v for k, v in (body | kw).items() if v is not ...}


def _walk_in(e, **kw):
    return {"patient_id": e["walk_in"].id, "doctor_id": e["doctor"].id, "service_id": e["service"].id} | kw


# (name, who, method, url template, body factory, expected status, field the body must name or None)
CASES = [
    # patients
    ("patient-missing-name", "desk", "POST", "/patients", lambda e: {"phone": "1"}, 422, "full_name"),
    ("patient-blank-name", "desk", "POST", "/patients", lambda e: {"full_name": "  "}, 422, "full_name"),
    ("patient-bad-dob", "desk", "POST", "/patients", lambda e: {"full_name": "X", "date_of_birth": "yesterday"}, 422, "date_of_birth"),
    ("patient-phone-not-text", "desk", "POST", "/patients", lambda e: {"full_name": "X", "phone": 5550123}, 422, "phone"),
    ("patient-gender-too-long", "desk", "POST", "/patients", lambda e: {"full_name": "X", "gender": "x" * 21}, 422, "gender"),
    ("patient-other-clinic", "desk", "POST", "/patients", lambda e: {"full_name": "X", "clinic_id": e["other"].id}, 404, "clinic_id"),
    ("patient-admin-no-clinic", "admin", "POST", "/patients", lambda e: {"full_name": "X"}, 422, "clinic_id"),
    ("patient-admin-unknown-clinic", "admin", "POST", "/patients", lambda e: {"full_name": "X", "clinic_id": MISSING}, 422, "clinic_id"),
    ("patient-doctor-cannot-create", "doctor", "POST", "/patients", lambda e: {"full_name": "X"}, 403, None),
    ("patient-patch-null-name", "desk", "PATCH", "/patients/{patient}", lambda e: {"full_name": None}, 422, "full_name"),
    ("patient-patch-null-phone", "desk", "PATCH", "/patients/{patient}", lambda e: {"phone": None}, 422, "phone"),
    ("patient-patch-bad-dob", "desk", "PATCH", "/patients/{patient}", lambda e: {"date_of_birth": "2020-13-01"}, 422, "date_of_birth"),
    ("patient-patch-other-clinic", "desk", "PATCH", "/patients/{foreign_patient}", lambda e: {"full_name": "X"}, 404, None),
    ("patient-patch-unknown", "desk", "PATCH", f"/patients/{MISSING}", lambda e: {"full_name": "X"}, 404, None),
    ("patient-patch-id-not-int", "desk", "PATCH", "/patients/abc", lambda e: {"full_name": "X"}, 422, "patient_id"),
    # appointments
    ("appt-empty", "desk", "POST", "/appointments", lambda e: {}, 422, "patient_id"),
    ("appt-missing-start", "desk", "POST", "/appointments", lambda e: _book(e, start_time=...), 422, "start_time"),
    ("appt-start-not-a-time", "desk", "POST", "/appointments", lambda e: _book(e, start_time="tomorrow"), 422, "start_time"),
    ("appt-naive-start", "desk", "POST", "/appointments", lambda e: _book(e, start_time="2031-03-10T09:00:00"), 422, "start_time"),
    ("appt-doctor-not-int", "desk", "POST", "/appointments", lambda e: _book(e, doctor_id="one"), 422, "doctor_id"),
    ("appt-unknown-patient", "desk", "POST", "/appointments", lambda e: _book(e, patient_id=MISSING), 404, "patient_id"),
    ("appt-other-clinic-patient", "desk", "POST", "/appointments", lambda e: _book(e, patient_id=e["foreign_patient"].id), 404, "patient_id"),
    ("appt-unknown-doctor", "desk", "POST", "/appointments", lambda e: _book(e, doctor_id=MISSING), 404, "doctor_id"),
    ("appt-other-clinic-doctor", "desk", "POST", "/appointments", lambda e: _book(e, doctor_id=e["foreign_doctor"].id), 404, "doctor_id"),
    ("appt-inactive-doctor", "desk", "POST", "/appointments", lambda e: _book(e, doctor_id=e["retired"].id), 409, "doctor_id"),
    ("appt-unknown-service", "desk", "POST", "/appointments", lambda e: _book(e, service_id=MISSING), 404, "service_id"),
    ("appt-other-clinic-service", "desk", "POST", "/appointments", lambda e: _book(e, service_id=e["foreign_service"].id), 404, "service_id"),
    ("appt-outside-schedule", "desk", "POST", "/appointments", lambda e: _book(e, doctor_id=e["part_timer"].id), 409, "start_time"),
    ("appt-double-booking", "desk", "POST", "/appointments", lambda e: _book(e, start_time=_slot(minutes=15)), 409, "start_time"),
    ("appt-patch-null-doctor", "desk", "PATCH", "/appointments/{appt}", lambda e: {"doctor_id": None}, 422, "doctor_id"),
    ("appt-patch-null-notes", "desk", "PATCH", "/appointments/{appt}", lambda e: {"notes": None}, 422, "notes"),
    ("appt-patch-status-cancelled", "desk", "PATCH", "/appointments/{appt}", lambda e: {"status": "CANCELLED"}, 422, "status"),
    ("appt-patch-status-unknown", "desk", "PATCH", "/appointments/{appt}", lambda e: {"status": "LATE"}, 422, "status"),
    ("appt-patch-bad-start", "desk", "PATCH", "/appointments/{appt}", lambda e: {"start_time": "noon"}, 422, "start_time"),
    ("appt-patch-unknown-service", "desk", "PATCH", "/appointments/{appt}", lambda e: {"service_id": MISSING}, 404, "service_id"),
    ("appt-patch-foreign-doctor", "desk", "PATCH", "/appointments/{appt}", lambda e: {"doctor_id": e["foreign_doctor"].id}, 404, "doctor_id"),
    ("appt-patch-other-clinic", "desk", "PATCH", "/appointments/{foreign_appt}", lambda e: {"notes": "x"}, 404, None),
    ("appt-patch-unknown", "desk", "PATCH", f"/appointments/{MISSING}", lambda e: {"notes": "x"}, 404, None),
    ("appt-cancel-reason-not-text", "desk", "POST", "/appointments/{appt}/cancel", lambda e: {"reason": 5}, 422, "reason"),
    ("appt-cancel-other-clinic", "desk", "POST", "/appointments/{foreign_appt}/cancel", None, 404, None),
    ("appt-cancel-unknown", "desk", "POST", f"/appointments/{MISSING}/cancel", None, 404, None),
    ("appt-no-show-other-clinic", "desk", "POST", "/appointments/{foreign_appt}/no-show", None, 404, None),
    ("appt-no-show-unknown", "desk", "POST", f"/appointments/{MISSING}/no-show", None, 404, None),
    ("appt-no-show-id-not-int", "desk", "POST", "/appointments/abc/no-show", None, 422, "appointment_id"),
    ("appt-no-show-doctor-cannot", "doctor", "POST", "/appointments/{appt}/no-show", None, 403, None),
    # check-in
    ("checkin-empty", "desk", "POST", "/queue/checkin", lambda e: {}, 422, "appointment_id"),
    ("checkin-walk-in-incomplete", "desk", "POST", "/queue/checkin", lambda e: {"patient_id": e["walk_in"].id}, 422, "doctor_id"),
    ("checkin-both-kinds", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e, appointment_id=e["appt"].id), 422, "patient_id"),
    ("checkin-appt-not-int", "desk", "POST", "/queue/checkin", lambda e: {"appointment_id": "x"}, 422, "appointment_id"),
    ("checkin-unknown-appt", "desk", "POST", "/queue/checkin", lambda e: {"appointment_id": MISSING}, 404, "appointment_id"),
    ("checkin-other-clinic-appt", "desk", "POST", "/queue/checkin", lambda e: {"appointment_id": e["foreign_appt"].id}, 404, "appointment_id"),
    ("checkin-unknown-patient", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e, patient_id=MISSING), 404, "patient_id"),
    ("checkin-other-clinic-patient", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e, patient_id=e["foreign_patient"].id), 404, "patient_id"),
    ("checkin-other-clinic-doctor", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e, doctor_id=e["foreign_doctor"].id), 404, "doctor_id"),
    ("checkin-inactive-doctor", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e, doctor_id=e["retired"].id), 409, "doctor_id"),
    ("checkin-unknown-service", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e, service_id=MISSING), 404, "service_id"),
    ("checkin-already-queued", "desk", "POST", "/queue/checkin", lambda e: _walk_in(e), 409, "patient_id"),
    # phase moves, cancel, completion
    ("move-empty", "desk", "POST", "/queue/phase/move", lambda e: {}, 422, "visit_id"),
    ("move-no-target", "desk", "POST", "/queue/phase/move", lambda e: {"visit_id": e["visit"].id}, 422, "phase"),
    ("move-unknown-phase", "desk", "POST", "/queue/phase/move", lambda e: {"visit_id": e["visit"].id, "phase": "lunch"}, 422, "phase"),
    ("move-two-targets", "desk", "POST", "/queue/phase/move",
     lambda e: {"visit_id": e["visit"].id, "phase": "waiting", "new_status": "CALLED"}, 422, "phase"),
    ("move-version-not-int", "desk", "POST", "/queue/phase/move",
     lambda e: {"visit_id": e["visit"].id, "phase": "with_doctor", "expected_version": "old"}, 422, "expected_version"),
    ("move-unknown-visit", "desk", "POST", "/queue/phase/move", lambda e: {"visit_id": MISSING, "phase": "with_doctor"}, 404, "visit_id"),
    ("move-other-clinic-visit", "desk", "POST", "/queue/phase/move",
     lambda e: {"visit_id": e["foreign_visit"].id, "phase": "with_doctor"}, 404, "visit_id"),
    ("move-to-same-phase", "desk", "POST", "/queue/phase/move", lambda e: {"visit_id": e["visit"].id, "phase": "waiting"}, 409, None),
    ("move-stale-version", "desk", "POST", "/queue/phase/move",
     lambda e: {"visit_id": e["visit"].id, "phase": "with_doctor", "expected_version": 99}, 409, None),
    ("move-desk-completes", "desk", "POST", "/queue/phase/move", lambda e: {"visit_id": e["in_progress"].id, "phase": "completed"}, 403, None),
    ("cancel-visit-not-int", "desk", "POST", "/queue/cancel", lambda e: {"visit_id": "x"}, 422, "visit_id"),
    ("cancel-other-clinic-visit", "desk", "POST", "/queue/cancel", lambda e: {"visit_id": e["foreign_visit"].id}, 404, "visit_id"),
    ("cancel-in-progress", "desk", "POST", "/queue/cancel", lambda e: {"visit_id": e["in_progress"].id}, 409, None),
    ("priority-unknown", "desk", "POST", "/queue/priority", lambda e: {"visit_id": e["visit"].id, "priority": "LOW"}, 422, "priority"),
    ("priority-missing", "desk", "POST", "/queue/priority", lambda e: {"visit_id": e["visit"].id}, 422, "priority"),
    ("priority-other-clinic-visit", "desk", "POST", "/queue/priority", lambda e: {"visit_id": e["foreign_visit"].id, "priority": "URGENT"}, 404, "visit_id"),
    ("priority-doctor-cannot", "doctor", "POST", "/queue/priority", lambda e: {"visit_id": e["visit"].id, "priority": "URGENT"}, 403, None),
    ("call-room-too-long", "desk", "POST", "/queue/call", lambda e: {"visit_id": e["visit"].id, "room": "x" * 41}, 422, "room"),
    ("call-other-clinic-visit", "desk", "POST", "/queue/call", lambda e: {"visit_id": e["foreign_visit"].id}, 404, "visit_id"),
    ("call-in-progress", "desk", "POST", "/queue/call", lambda e: {"visit_id": e["in_progress"].id}, 409, None),
    ("call-next-not-int", "desk", "POST", "/queue/call-next", lambda e: {"doctor_id": "x"}, 422, "doctor_id"),
    ("call-next-foreign-doctor", "desk", "POST", "/queue/call-next", lambda e: {"doctor_id": e["foreign_doctor"].id}, 404, "doctor_id"),
    ("complete-empty", "doctor", "POST", "/queue/complete-consultation", lambda e: {}, 422, "visit_id"),
    ("complete-notes-not-text", "doctor", "POST", "/queue/complete-consultation",
     lambda e: {"visit_id": e["in_progress"].id, "notes": 5}, 422, "notes"),
    ("complete-unknown-visit", "doctor", "POST", "/queue/complete-consultation", lambda e: {"visit_id": MISSING}, 404, "visit_id"),
    ("complete-waiting-visit", "doctor", "POST", "/queue/complete-consultation", lambda e: {"visit_id": e["visit"].id}, 409, None),
    ("complete-compat-not-int", "doctor", "POST", "/queue/complete", lambda e: {"visit_id": "x"}, 422, "visit_id"),
    # payments
    ("pay-empty", "desk", "POST", "/payments", lambda e: {}, 422, "visit_id"),
    ("pay-negative", "desk", "POST", "/payments", lambda e: {"visit_id": e["visit"].id, "amount": "-1"}, 422, "amount"),
    ("pay-too-precise", "desk", "POST", "/payments", lambda e: {"visit_id": e["visit"].id, "amount": "1.001"}, 422, "amount"),
    ("pay-not-a-number", "desk", "POST", "/payments", lambda e: {"visit_id": e["visit"].id, "amount": "ten"}, 422, "amount"),
    ("pay-bad-method", "desk", "POST", "/payments", lambda e: {"visit_id": e["visit"].id, "method": "BITCOIN"}, 422, "method"),
    ("pay-created-refunded", "desk", "POST", "/payments", lambda e: {"visit_id": e["visit"].id, "status": "REFUNDED"}, 422, "status"),
    ("pay-unknown-visit", "desk", "POST", "/payments", lambda e: {"visit_id": MISSING}, 404, "visit_id"),
    ("pay-other-clinic-visit", "desk", "POST", "/payments", lambda e: {"visit_id": e["foreign_visit"].id}, 404, "visit_id"),
    ("pay-cancelled-visit", "desk", "POST", "/payments", lambda e: {"visit_id": e["cancelled"].id}, 409, "visit_id"),
    ("pay-second-open-payment", "desk", "POST", "/payments", lambda e: {"visit_id": e["in_progress"].id}, 409, "visit_id"),
    ("pay-doctor-cannot", "doctor", "POST", "/payments", lambda e: {"visit_id": e["visit"].id}, 403, None),
    ("pay-bad-method-on-pay", "desk", "POST", "/payments/{payment}/pay", lambda e: {"method": "GOLD"}, 422, "method"),
    ("pay-other-clinic-payment", "desk", "POST", "/payments/{foreign_payment}/pay", None, 404, None),
    ("pay-unknown-payment", "desk", "POST", f"/payments/{MISSING}/pay", None, 404, None),
    ("refund-pending", "desk", "POST", "/payments/{payment}/refund", None, 409, None),
    ("refund-other-clinic-payment", "desk", "POST", "/payments/{foreign_payment}/refund", None, 404, None),
]  # fmt: skip


def _names_field(body: dict, field: str) -> bool:
    """The body names the field: the top-level `field`, and for a 422 also a problem's `loc`."""
    if body.get("field") != field:
        return False
    detail = body.get("detail")
    return not isinstance(detail, list) or any(field in [str(p) for p in err.get("loc", [])] for err in detail)


def _snapshot(db, e) -> tuple:
    db.expire_all()
    counts = tuple(
        db.scalar(select(func.count()).select_from(m))
        for m in (Patient, Appointment, Visit, Payment, VisitStatusChange)
    )
    seqs = tuple(db.get(Clinic, e[k].id).event_seq for k in ("clinic", "other"))
    patient, appt = db.get(Patient, e["patient"].id), db.get(Appointment, e["appt"].id)
    visits = tuple((v.status, v.version, v.notes) for v in (db.get(Visit, e[k].id) for k in ("visit", "in_progress")))
    payment = db.get(Payment, e["payment"].id)
    return (
        counts,
        seqs,
        (patient.full_name, patient.phone, patient.date_of_birth),
        (appt.doctor_id, appt.service_id, appt.start_time, appt.status, appt.notes),
        visits,
        (payment.status, payment.method, payment.paid_at),
    )


@pytest.mark.parametrize(("name", "who", "method", "url", "body", "status", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_is_written(client, db, env, name, who, method, url, body, status, field):
    ids = {k: v.id for k, v in env.items() if hasattr(v, "id")}
    before = _snapshot(db, env)
    with recorded_events() as released:
        r = client.request(method, url.format(**ids), json=body(env) if body else None, headers=env["as"][who])
    assert r.status_code == status, r.text
    assert r.json()["code"], r.text  # every refusal carries a machine code
    if field is not None:
        assert _names_field(r.json(), field), r.text
    assert _snapshot(db, env) == before
    assert released == []


def test_the_sweep_covers_every_front_desk_and_doctor_write(app):
    """A new POST/PATCH route must be added to CASES (or to the admin sweep)."""
    # admin routes (display tokens: their bad input is in tests/server/test_display.py)
    admin = ("/clinics", "/users", "/doctors", "/services", "/auth", "/display-tokens")
    writes = {
        path
        for path, ops in app.api.openapi()["paths"].items()
        for method in ops
        if method in ("post", "patch") and not path.startswith(admin)
    }
    swept = {url.replace(str(MISSING), "{id}") for _, _, _, url, *_ in CASES}
    normalise = {
        "/patients/{patient_id}": "/patients/{patient}",
        "/appointments/{appointment_id}": "/appointments/{appt}",
        "/appointments/{appointment_id}/cancel": "/appointments/{appt}/cancel",
        "/appointments/{appointment_id}/no-show": "/appointments/{appt}/no-show",
        "/payments/{payment_id}/pay": "/payments/{payment}/pay",
        "/payments/{payment_id}/refund": "/payments/{payment}/refund",
    }
    assert {normalise.get(p, p) for p in writes} <= swept
