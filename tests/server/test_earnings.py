"""GET /doctors/earnings: summary, groups and rows against sums computed independently in Python (Decimal),
with and without every filter; CSV equals the JSON rows; another doctor's payments never appear."""

import csv
import io
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from common.enums import PaymentMethod, PaymentStatus, VisitStatus
from server.models import Doctor, Payment
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_payment, make_service, make_visit

TZ = "Asia/Kolkata"  # +05:30: a payment's local day often differs from its UTC day


@dataclass(frozen=True)
class Seeded:
    id: int
    when: datetime  # paid_at or created_at
    amount: Decimal
    share: Decimal
    status: PaymentStatus
    method: PaymentMethod
    patient: str
    service: str

    @property
    def local_day(self) -> date:
        return self.when.astimezone(ZoneInfo(TZ)).date()


@pytest.fixture
def seeded(db) -> tuple[Doctor, list[Seeded]]:
    rnd = random.Random(4)
    clinic = make_clinic(db, timezone=TZ)
    me, other = make_doctor(db, clinic, all_hours=False), make_doctor(db, clinic, all_hours=False)
    services = [make_service(db, clinic), make_service(db, clinic, doctor_share_rate=Decimal("0.2500"))]
    patients = [make_patient(db, clinic) for _ in range(4)]
    now = datetime.now(UTC)
    out: list[Seeded] = []
    statuses, methods = list(PaymentStatus), list(PaymentMethod)
    for i in range(48):
        doctor = other if i % 6 == 5 else me  # the other doctor shares patients and services
        patient, service = patients[i % 4], services[i % 2]
        when = now - timedelta(days=rnd.randint(0, 70), minutes=rnd.randint(0, 1440))
        if i == 1:  # a PAID payment of this very minute, so this_month is never empty
            when = now - timedelta(minutes=1)
        visit = make_visit(
            db, patient=patient, doctor=doctor, service=service, status=VisitStatus.COMPLETED, check_in_time=when
        )
        status, method = statuses[i % 3], methods[(i // 3) % 4]
        amount = f"{rnd.randint(1, 50000) / 100:.2f}"
        rate = "0.2500" if service is services[1] else "0.6000"
        payment = make_payment(db, visit, amount=amount, rate=rate, status=status, method=method, paid_at=when)
        if status == PaymentStatus.PENDING:
            payment.created_at = when  # a pending payment is dated by its creation
        db.flush()
        if doctor is me:
            out.append(
                Seeded(
                    payment.id,
                    when,
                    payment.amount,
                    payment.doctor_share,
                    status,
                    method,
                    patient.full_name,
                    service.name,
                )
            )
    return me, out


def _expected_summary(rows: list[Seeded]) -> dict:
    today = datetime.now(UTC).astimezone(ZoneInfo(TZ)).date()

    def share(pred) -> Decimal:
        return sum((r.share for r in rows if pred(r)), Decimal("0"))

    return {
        "total_paid": share(lambda r: r.status == PaymentStatus.PAID),
        "pending": share(lambda r: r.status == PaymentStatus.PENDING),
        "refunded": share(lambda r: r.status == PaymentStatus.REFUNDED),
        "this_month": share(
            lambda r: (
                r.status == PaymentStatus.PAID and (r.local_day.year, r.local_day.month) == (today.year, today.month)
            )
        ),
        "count": len(rows),
    }


def _summary(body: dict) -> dict:
    s = body["summary"]
    return {k: (v if k == "count" else Decimal(v)) for k, v in s.items()}


def _filters(rows: list[Seeded]) -> list[tuple[dict, list[Seeded]]]:
    days = sorted({r.local_day for r in rows})
    lo, hi = days[len(days) // 4], days[3 * len(days) // 4]
    cases: list[tuple[dict, list[Seeded]]] = [({}, rows)]
    for s in PaymentStatus:
        cases.append(({"status": s.value}, [r for r in rows if r.status == s]))
    for m in PaymentMethod:
        cases.append(({"payment_method": m.value}, [r for r in rows if r.method == m]))
    cases.append(({"start_date": lo.isoformat()}, [r for r in rows if r.local_day >= lo]))
    cases.append(({"end_date": hi.isoformat()}, [r for r in rows if r.local_day <= hi]))
    cases.append(({"start_date": lo.isoformat(), "end_date": lo.isoformat()}, [r for r in rows if r.local_day == lo]))
    cases.append(
        (
            {"start_date": lo.isoformat(), "end_date": hi.isoformat(), "status": "PAID", "payment_method": "CARD"},
            [
                r
                for r in rows
                if lo <= r.local_day <= hi and r.status == PaymentStatus.PAID and r.method == PaymentMethod.CARD
            ],
        )
    )
    return cases


def test_summary_rows_and_groups_match_independent_sums(client, seeded):
    me, rows = seeded
    headers = auth(me.user)
    assert _expected_summary(rows)["this_month"] > 0 and len(rows) == 40
    for params, expected in _filters(rows):
        r = client.get("/doctors/earnings", params={**params, "group_by": "date", "per_page": 500}, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert _summary(body) == _expected_summary(expected), params
        assert body["total"] == len(expected)
        # rows: newest first, exactly the expected payments, with the right figures
        got = [
            (i["payment_id"], Decimal(i["amount"]), Decimal(i["doctor_share"]), i["status"], i["method"])
            for i in body["items"]
        ]
        want = sorted(expected, key=lambda x: (x.when, x.id), reverse=True)
        assert got == [(w.id, w.amount, w.share, w.status.value, w.method.value) for w in want], params
        assert [i["patient_name"] for i in body["items"]] == [w.patient for w in want]
        assert [i["service_name"] for i in body["items"]] == [w.service for w in want]
        # groups: one bucket per clinic-local day of the filtered set
        buckets: dict[date, list[Seeded]] = defaultdict(list)
        for w in expected:
            buckets[w.local_day].append(w)
        assert [(g["date"], Decimal(g["amount"]), Decimal(g["doctor_share"]), g["count"]) for g in body["groups"]] == [
            (d.isoformat(), sum(x.amount for x in b), sum(x.share for x in b), len(b))
            for d, b in sorted(buckets.items())
        ], params


def test_pagination_and_no_groups_by_default(client, seeded):
    me, rows = seeded
    headers = auth(me.user)
    seen: list[int] = []
    page = 1
    while True:
        body = client.get("/doctors/earnings", params={"page": page, "per_page": 7}, headers=headers).json()
        assert body["groups"] is None and body["total"] == len(rows) and body["per_page"] == 7
        if not body["items"]:
            break
        seen += [i["payment_id"] for i in body["items"]]
        page += 1
    assert seen == [w.id for w in sorted(rows, key=lambda x: (x.when, x.id), reverse=True)]


def test_csv_rows_equal_json_rows(client, seeded):
    me, rows = seeded
    headers = auth(me.user)
    for params, expected in _filters(rows):
        js = client.get("/doctors/earnings", params={**params, "per_page": 500}, headers=headers).json()["items"]
        r = client.get("/doctors/earnings", params={**params, "format": "csv"}, headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(r.text)))
        assert table[0] == [
            "payment_id",
            "date",
            "patient",
            "service",
            "amount",
            "doctor_share",
            "status",
            "method",
            "currency",
        ]
        assert len(table) - 1 == len(expected)
        for line, item in zip(table[1:], js, strict=True):
            assert int(line[0]) == item["payment_id"]
            assert datetime.fromisoformat(line[1]) == datetime.fromisoformat(item["date"].replace("Z", "+00:00"))
            assert line[2:4] == [item["patient_name"], item["service_name"]]
            assert Decimal(line[4]) == Decimal(item["amount"]) and Decimal(line[5]) == Decimal(item["doctor_share"])
            assert line[6:] == [item["status"], item["method"], "USD"]  # the clinic's currency on every row


def test_csv_streams_in_batches_larger_than_one(client, db, seeded, monkeypatch):
    """More rows than one batch: still every row once, in order."""
    from server.api.routes import doctor_portal

    monkeypatch.setattr(doctor_portal, "CSV_BATCH", 5)
    me, rows = seeded
    r = client.get("/doctors/earnings", params={"format": "csv"}, headers=auth(me.user))
    ids = [int(line[0]) for line in list(csv.reader(io.StringIO(r.text)))[1:]]
    assert ids == [w.id for w in sorted(rows, key=lambda x: (x.when, x.id), reverse=True)]


def test_bad_date_range_is_422(client, seeded):
    me, _ = seeded
    for fmt in ("json", "csv"):
        r = client.get(
            "/doctors/earnings",
            params={"start_date": "2024-05-02", "end_date": "2024-05-01", "format": fmt},
            headers=auth(me.user),
        )
        assert r.status_code == 422, r.text


def test_refund_keeps_its_payment_date(client, db, seeded):
    """Refunding moves the share from total_paid to refunded without changing the row's date."""
    me, rows = seeded
    paid = next(r for r in rows if r.status == PaymentStatus.PAID)
    before = _summary(client.get("/doctors/earnings", headers=auth(me.user)).json())
    payment = db.get(Payment, paid.id)
    payment.status, payment.refunded_at = PaymentStatus.REFUNDED, datetime.now(UTC)
    db.flush()
    after = _summary(client.get("/doctors/earnings", headers=auth(me.user)).json())
    assert after["total_paid"] == before["total_paid"] - paid.share
    assert after["refunded"] == before["refunded"] + paid.share
    assert after["count"] == before["count"]
