"""GET /dashboard/doctor and /dashboard/doctor/appointments: "today" is the clinic's local day, far from UTC."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from common.enums import AppointmentStatus, PaymentStatus, VisitStatus
from server.models import Appointment, Doctor
from server.services import doctor_portal
from server.services.clinic_time import local_day_bounds, local_today
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_payment, make_service, make_visit

S = VisitStatus


def _appointment(db, doctor: Doctor, patient, service, start: datetime, status=AppointmentStatus.CONFIRMED):
    appt = Appointment(
        clinic_id=doctor.clinic_id,
        patient_id=patient.id,
        doctor_id=doctor.id,
        service_id=service.id,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=status,
    )
    db.add(appt)
    db.flush()
    return appt


def _seed_day(db, tz: str, now: datetime):
    """Visits and payments one minute either side of both local midnights around `now`."""
    clinic = make_clinic(db, timezone=tz)
    me, other = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    today = local_today(tz, now)
    start, end = local_day_bounds(tz, today)
    minute = timedelta(minutes=1)

    def visit(status: S, at: datetime, doctor: Doctor = me, number: int | None = None):
        local = at.astimezone(ZoneInfo(tz)).date()
        return make_visit(
            db,
            patient=patient,
            doctor=doctor,
            service=service,
            status=status,
            check_in_time=at,
            queue_date=local,
            **({"queue_number": number} if number else {}),
        )

    # local yesterday's, seen and done: not counted (one still open would be: tests/server/test_past_midnight.py)
    yesterday_late = visit(S.COMPLETED, start - minute)
    tomorrow_early = visit(S.IN_PROGRESS, end + minute)  # local tomorrow: not counted
    w1 = visit(S.WAITING, start + minute, number=900001)
    c1 = visit(S.CALLED, start + 2 * minute, number=900002)
    a1 = visit(S.IN_PROGRESS, start + 3 * minute, number=900003)
    d1 = visit(S.COMPLETED, end - 2 * minute)
    d2 = visit(S.COMPLETED, end - minute)
    x1 = visit(S.CANCELLED, start + 4 * minute)
    visit(S.WAITING, start + minute, doctor=other)  # another doctor's
    make_payment(db, d1, amount="100.00", rate="0.6000", status=PaymentStatus.PAID, paid_at=end - minute)
    make_payment(db, d2, amount="40.00", rate="0.6000", status=PaymentStatus.REFUNDED, paid_at=start + minute)
    pending = make_payment(db, a1, amount="25.00", rate="0.6000", status=PaymentStatus.PENDING)
    pending.created_at = start + minute
    old = make_payment(db, yesterday_late, amount="999.00", status=PaymentStatus.PAID, paid_at=start - minute)
    assert old.paid_at < start
    make_payment(db, tomorrow_early, amount="777.00", status=PaymentStatus.PAID, paid_at=end + minute)
    db.flush()
    return clinic, me, other, {"w1": w1, "c1": c1, "a1": a1, "x1": x1}, today


@pytest.mark.parametrize(
    ("tz", "at_end"),
    [("Pacific/Kiritimati", False), ("Pacific/Pago_Pago", True)],
    ids=["kiritimati-just-after-midnight", "pago-pago-just-before-midnight"],
)
def test_dashboard_counts_on_the_local_day(db, tz, at_end):
    # UTC+14 just after local midnight, UTC-11 just before it: in both the UTC calendar day is not the local one.
    probe = datetime(2024, 7, 10, 12, tzinfo=UTC)
    start, end = local_day_bounds(tz, local_today(tz, probe))
    now = end - timedelta(seconds=30) if at_end else start + timedelta(seconds=30)
    assert now.date() != now.astimezone(ZoneInfo(tz)).date()
    _, me, _, v, today = _seed_day(db, tz, now)

    dash = doctor_portal.dashboard(db, doctor=me, now=now)
    assert dash.date == today
    assert (dash.today_visits, dash.waiting, dash.active_consultations, dash.completed) == (5, 2, 1, 2)
    rev = dash.today_revenue
    assert (rev.paid.total, rev.paid.doctor_share) == (Decimal("100.00"), Decimal("60.00"))
    assert (rev.refunded.total, rev.refunded.doctor_share) == (Decimal("40.00"), Decimal("24.00"))
    assert (rev.pending.total, rev.pending.doctor_share) == (Decimal("25.00"), Decimal("15.00"))
    assert [x.id for x in dash.waiting_visits] == [v["w1"].id, v["c1"].id]
    assert [x.id for x in dash.active_visits] == [v["a1"].id]


def test_dashboard_over_http_uses_the_real_clock(client, db):
    tz = "Pacific/Kiritimati"
    _, me, _, v, today = _seed_day(db, tz, datetime.now(UTC))
    r = client.get("/dashboard/doctor", headers=auth(me.user))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["date"] == today.isoformat()
    assert (body["today_visits"], body["waiting"], body["active_consultations"], body["completed"]) == (5, 2, 1, 2)
    assert body["today_revenue"]["paid"] == {"total": "100.00", "doctor_share": "60.00"}
    assert [x["id"] for x in body["active_visits"]] == [v["a1"].id]
    assert body["active_visits"][0]["patient"]["full_name"]


def test_upcoming_appointments_next_seven_days(client, db):
    clinic = make_clinic(db, timezone="Pacific/Pago_Pago")
    me, other = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    now = datetime.now(UTC)
    soon = _appointment(db, me, patient, service, now + timedelta(hours=2))
    checked = _appointment(db, me, patient, service, now + timedelta(minutes=5), AppointmentStatus.CHECKED_IN)
    late = _appointment(db, me, patient, service, now + timedelta(days=6, hours=23))
    _appointment(db, me, patient, service, now + timedelta(days=7, minutes=5))  # beyond 7 days
    _appointment(db, me, patient, service, now - timedelta(hours=1))  # past
    _appointment(db, me, patient, service, now + timedelta(hours=3), AppointmentStatus.CANCELLED)
    _appointment(db, other, patient, service, now + timedelta(hours=1))
    body = client.get("/dashboard/doctor", headers=auth(me.user)).json()
    assert body["upcoming_appointments"] == 3  # a count now: checked, soon, late (the list has its own route)
    listed = client.get("/dashboard/doctor/appointments", headers=auth(me.user)).json()["items"]
    assert {checked.id, soon.id, late.id} <= {a["id"] for a in listed}


def test_appointments_endpoint_filters(client, db):
    tz = "Pacific/Kiritimati"
    clinic = make_clinic(db, timezone=tz)
    me, other = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    patient, service = make_patient(db, clinic), make_service(db, clinic)
    now = datetime.now(UTC)
    today = local_today(tz, now)
    day_start, day_end = local_day_bounds(tz, today + timedelta(days=2))
    first = _appointment(db, me, patient, service, day_start)  # exactly local midnight: inside
    last = _appointment(db, me, patient, service, day_end - timedelta(minutes=30))
    after = _appointment(db, me, patient, service, day_end)  # next local day
    before = _appointment(db, me, patient, service, day_start - timedelta(minutes=30))
    done = _appointment(db, me, patient, service, day_start + timedelta(hours=1), AppointmentStatus.COMPLETED)
    past = _appointment(db, me, patient, service, now - timedelta(days=2))
    this_morning = local_day_bounds(tz, today)[0]
    earlier_today = _appointment(db, me, patient, service, this_morning)  # begun already, still today: listed
    _appointment(db, me, patient, service, this_morning - timedelta(minutes=1))  # local yesterday: not listed
    _appointment(db, other, patient, service, day_start + timedelta(hours=2))
    h = auth(me.user)

    default = client.get("/dashboard/doctor/appointments", headers=h).json()
    # Without start_date the list starts at the beginning of the clinic's today, not at this minute.
    assert [a["id"] for a in default["items"]] == [earlier_today.id, before.id, first.id, last.id, after.id]
    assert default["total"] == 5

    d = (today + timedelta(days=2)).isoformat()
    one_day = client.get("/dashboard/doctor/appointments", params={"start_date": d, "end_date": d}, headers=h).json()
    assert [a["id"] for a in one_day["items"]] == [first.id, last.id]

    both = client.get(
        "/dashboard/doctor/appointments",
        params={"start_date": d, "end_date": d, "status": ["COMPLETED", "CONFIRMED"]},
        headers=h,
    ).json()
    assert [a["id"] for a in both["items"]] == [first.id, done.id, last.id]

    earlier = (today - timedelta(days=3)).isoformat()
    incl_past = client.get("/dashboard/doctor/appointments", params={"start_date": earlier}, headers=h).json()
    assert incl_past["items"][0]["id"] == past.id

    paged = client.get("/dashboard/doctor/appointments", params={"per_page": 2, "page": 2}, headers=h).json()
    assert [a["id"] for a in paged["items"]] == [first.id, last.id] and paged["total"] == 5

    bad = client.get("/dashboard/doctor/appointments", params={"start_date": d, "end_date": earlier}, headers=h)
    assert bad.status_code == 422
