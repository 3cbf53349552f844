"""GET /reports/cash-up: a clinic-local day's takings by method and by doctor, refunds apart, totals checked
against the payments themselves; in JSON, CSV and PDF, each naming the clinic's currency."""

import csv
import io
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from common.enums import PaymentMethod, PaymentStatus, Role, VisitStatus
from server.models import Payment
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

DAY = date(2026, 3, 10)  # Tokyo is UTC+9 all year: the local day is 2026-03-09 15:00Z .. 2026-03-10 15:00Z
AT = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
M = PaymentMethod
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def _pay(db, w, doctor, amount, method, *, rate="0.6000", paid_at=AT, status=PaymentStatus.PAID, refunded_at=None):
    visit = make_visit(
        db,
        patient=make_patient(db, w["clinic"]),
        doctor=doctor,
        service=w["service"],
        status=VisitStatus.COMPLETED,
        check_in_time=(paid_at or AT) - timedelta(hours=1),
    )
    payment = make_payment(db, visit, amount=amount, rate=rate, status=status, method=method, paid_at=paid_at)
    if refunded_at is not None:
        payment.refunded_at = refunded_at
        db.flush()
    return payment


@pytest.fixture
def day(db):
    clinic = make_clinic(db, timezone="Asia/Tokyo", currency="EUR", name="Sakura Clinic")
    w = {
        "clinic": clinic,
        "rec": make_user(db, role=Role.RECEPTIONIST, clinic=clinic),
        "a": make_doctor(db, clinic, full_name="Dr Ärzte Aoki", all_hours=False),
        "b": make_doctor(db, clinic, full_name="Dr Brown", all_hours=False),
        "service": make_service(db, clinic),
    }
    a, b = w["a"], w["b"]
    counted = [
        _pay(db, w, a, "100.00", M.CASH),
        _pay(db, w, a, "50.00", M.CARD, paid_at=datetime(2026, 3, 10, 14, 59, tzinfo=UTC)),  # 23:59 local
        _pay(db, w, b, "80.00", M.INSURANCE, rate="0.5000"),
        # paid and refunded the same day: taken that day, and refunded that day
        _pay(db, w, a, "30.00", M.TRANSFER, status=PaymentStatus.REFUNDED, refunded_at=AT + timedelta(hours=2)),
    ]
    refunded_today = [
        counted[3],
        # paid the day before, refunded today: only a refund of today
        _pay(
            db,
            w,
            b,
            "20.00",
            M.CASH,
            paid_at=AT - timedelta(days=1),
            status=PaymentStatus.REFUNDED,
            refunded_at=AT + timedelta(hours=3),
        ),
    ]
    # not of this day's cash-up: pending, paid at 23:59 the local day before (the same UTC date!), another clinic
    _pay(db, w, a, "999.00", M.CASH, status=PaymentStatus.PENDING, paid_at=None)
    _pay(db, w, a, "777.00", M.CASH, paid_at=datetime(2026, 3, 9, 14, 59, tzinfo=UTC))
    other = make_clinic(db)
    ow = {"clinic": other, "service": make_service(db, other)}
    _pay(db, ow, make_doctor(db, other, all_hours=False), "555.00", M.CASH)
    w["counted"], w["refunded_today"] = counted, refunded_today
    return w


def _get(client, w, **params):
    return client.get("/reports/cash-up", params={"date": DAY.isoformat(), **params}, headers=auth(w["rec"]))


def _sum(payments: list[Payment], field: str = "amount") -> Decimal:
    return sum((getattr(p, field) for p in payments), Decimal("0.00"))


def test_the_totals_add_up_to_the_payments(client, day):
    w = day
    r = _get(client, w)
    assert r.status_code == 200, r.text
    report = r.json()
    counted, refunds = w["counted"], w["refunded_today"]
    assert report["currency"] == "EUR" and report["date"] == DAY.isoformat()
    assert report["clinic_name"] == "Sakura Clinic"
    t = report["totals"]
    assert t["count"] == len(counted) and Decimal(t["amount"]) == _sum(counted) == Decimal("260.00")
    assert Decimal(t["doctor_share"]) == _sum(counted, "doctor_share")
    assert Decimal(t["center_share"]) == _sum(counted, "center_share")
    assert Decimal(t["doctor_share"]) + Decimal(t["center_share"]) == Decimal(t["amount"])
    assert t["refunded_count"] == 2 and Decimal(t["refunded"]) == _sum(refunds) == Decimal("50.00")
    assert Decimal(t["net"]) == Decimal("210.00")

    by_method = {line["method"]: (line["count"], Decimal(line["amount"])) for line in report["by_method"]}
    assert by_method == {
        "CASH": (1, Decimal("100.00")),
        "CARD": (1, Decimal("50.00")),
        "INSURANCE": (1, Decimal("80.00")),
        "TRANSFER": (1, Decimal("30.00")),
    }
    refunds_by_method = {line["method"]: Decimal(line["amount"]) for line in report["refunds_by_method"]}
    assert refunds_by_method == {"CASH": Decimal("20.00"), "TRANSFER": Decimal("30.00")}
    doctors = {d["doctor_id"]: d for d in report["by_doctor"]}
    a, b = doctors[w["a"].id], doctors[w["b"].id]
    assert (a["count"], Decimal(a["amount"]), Decimal(a["doctor_share"])) == (3, Decimal("180.00"), Decimal("108.00"))
    assert (b["count"], Decimal(b["amount"]), Decimal(b["center_share"])) == (1, Decimal("80.00"), Decimal("40.00"))
    assert a["doctor_name"] == "Dr Ärzte Aoki"


def test_who_may_read_it(client, day, db):
    w = day
    assert client.get("/reports/cash-up", headers=auth(w["a"].user)).status_code == 403
    admin = make_user(db, role=Role.ADMIN)
    r = client.get("/reports/cash-up", headers=auth(admin))
    assert r.status_code == 422 and r.json()["field"] == "clinic_id"
    r = client.get(
        "/reports/cash-up", params={"date": DAY.isoformat(), "clinic_id": w["clinic"].id}, headers=auth(admin)
    )
    assert r.status_code == 200 and r.json()["totals"]["amount"] == "260.00"
    r = _get(client, w, clinic_id=w["clinic"].id + 10_000)
    assert r.status_code == 404
    assert _get(client, w, format="xlsx").status_code == 422
    empty = client.get("/reports/cash-up", params={"date": "2026-01-01"}, headers=auth(w["rec"])).json()
    assert empty["totals"]["amount"] == "0.00" and empty["by_method"] == [] and empty["totals"]["net"] == "0.00"


def test_csv_names_the_currency_and_adds_up(client, day):
    r = _get(client, day, format="csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="cash-up-2026-03-10.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["cash-up", "Sakura Clinic", "date", "2026-03-10", "currency", "EUR"]
    assert rows[1] == ["section", "name", "count", "amount", "doctor_share", "center_share", "currency"]
    body = rows[2:]
    assert all(row[-1] == "EUR" for row in body)
    taken = [row for row in body if row[0] == "taken_by_method"]
    total = next(row for row in body if row[:2] == ["total", "taken"])
    assert sum(Decimal(row[3]) for row in taken) == Decimal(total[3]) == Decimal("260.00")
    doctors = [row for row in body if row[0] == "taken_by_doctor"]
    assert sum(Decimal(row[4]) for row in doctors) == Decimal(total[4])
    assert next(row for row in body if row[:2] == ["total", "net"])[3] == "210.00"


def test_pdf_is_a_printable_page_naming_the_currency(client, day, tmp_path):
    r = _get(client, day, format="pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) not installed")
    pdf = tmp_path / "cash-up.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Sakura Clinic" in text and "Currency: EUR" in text
    assert "260.00 EUR" in text and "210.00 EUR" in text and "50.00 EUR" in text
    assert "Dr Ärzte Aoki" in text and "Refunds made this day" in text
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(SCREENSHOTS / "cash-up")], check=True)
    assert (SCREENSHOTS / "cash-up.png").stat().st_size > 10_000


def test_pdf_without_the_dejavu_font_still_renders(day, db, monkeypatch, tmp_path):
    """A server without fonts-dejavu falls back to the core Helvetica (names it cannot print are replaced)."""
    from server.services import cash_up_export
    from server.services.cash_up import cash_up

    monkeypatch.setattr(cash_up_export, "FONT_DIR", tmp_path / "no-fonts")
    report = cash_up(db, actor=day["rec"], day=DAY)
    data = cash_up_export.cash_up_pdf(report, generated_at=datetime.now(UTC))
    assert data.startswith(b"%PDF-") and len(data) > 1000
