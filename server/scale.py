"""`clinic-server seed-scale`: grow a clinic to benchmark size in SQL (generate_series), not row by row.

Defaults (issue 11): 50,000 patients, 200,000 completed visits spread over the last two years, 1,000,000 payments
(five per visit: four refunded, then the one that stands, PAID or PENDING), all of one doctor's, which is the
worst case for that doctor's earnings, patients and history. Queue numbers of the grown visits start at 100,000,
so they never meet the clinic's own. The per-day earnings totals (migration 0005) are rebuilt once at the end
instead of row by row, then the tables are analysed. Run it on a quiet server: payments are locked meanwhile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from server.models import Clinic, Doctor, Service, User

DAYS = 730

_FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dan",
    "Eve",
    "Farid",
    "Grace",
    "Hana",
    "Ivan",
    "Jana",
    "Karim",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xena",
    "Yusuf",
    "Zoe",
]
_LAST = [
    "Harper",
    "Ortiz",
    "Park",
    "Mills",
    "Stone",
    "Novak",
    "Okafor",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Kowalski",
    "Haddad",
    "Moreau",
    "Silva",
    "Jensen",
    "Ivanova",
    "Costa",
    "Nakamura",
    "Fischer",
    "Ali",
    "Brown",
    "Garcia",
]


@dataclass
class ScaleResult:
    clinic_id: int
    doctor_id: int
    patients: int
    visits: int
    payments: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"clinic {self.clinic_id}, doctor {self.doctor_id}: +{self.patients:,} patients, +{self.visits:,} visits, "
            f"+{self.payments:,} payments in {self.seconds:.0f} s"
        )


def _pick(session: Session, clinic_id: int | None, doctor_username: str | None) -> tuple[Clinic, Doctor, Service]:
    if doctor_username:
        doctor = session.scalar(
            select(Doctor).join(User, User.id == Doctor.user_id).where(User.username == doctor_username)
        )
        if doctor is None:
            raise SystemExit(f"no doctor with the username {doctor_username!r}")
        clinic_id = doctor.clinic_id
    clinic = session.get(Clinic, clinic_id) if clinic_id else session.scalar(select(Clinic).order_by(Clinic.id))
    if clinic is None:
        raise SystemExit("no clinic to grow: run `clinic-server demo --seed-only` first, or pass --clinic-id")
    if not doctor_username:
        doctor = session.scalar(select(Doctor).where(Doctor.clinic_id == clinic.id).order_by(Doctor.id))
    service = session.scalar(select(Service).where(Service.clinic_id == clinic.id).order_by(Service.id))
    if doctor is None or service is None:
        raise SystemExit(f"clinic {clinic.id} needs a doctor and a service")
    return clinic, doctor, service


def seed_scale(
    session: Session,
    *,
    clinic_id: int | None = None,
    doctor_username: str | None = None,
    patients: int = 50_000,
    visits: int = 200_000,
    payments_per_visit: int = 5,
) -> ScaleResult:
    started = time.monotonic()
    clinic, doctor, service = _pick(session, clinic_id, doctor_username)
    params = {
        "clinic": clinic.id,
        "doctor": doctor.id,
        "service": service.id,
        "patients": patients,
        "visits": visits,
        "per_visit": payments_per_visit,
        "days": DAYS,
        "first": _FIRST,
        "last": _LAST,
        "rate": doctor.commission_rate,
    }
    first_patient = (
        session.execute(
            text(
                """
            INSERT INTO patients (clinic_id, full_name, phone, date_of_birth, gender, medical_history, allergies,
                                  created_at, updated_at)
            SELECT :clinic,
                   (:first)[1 + g % cardinality(:first)] || ' ' || (:last)[1 + (g / 7) % cardinality(:last)]
                     || ' ' || g,
                   '+1 555 ' || lpad(g::text, 7, '0'),
                   date '1950-01-01' + (g * 37) % 25000,
                   CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, '', '', now(), now()
              FROM generate_series(1, :patients) AS g
            RETURNING id
            """
            ),
            params,
        )
        .scalars()
        .all()
    )
    params["p0"], params["pn"] = min(first_patient), len(first_patient)
    visit_ids = (
        session.execute(
            text(
                """
            INSERT INTO visits (clinic_id, patient_id, doctor_id, service_id, queue_date, queue_number, status,
                                check_in_time, start_time, end_time, notes, prescription, checkin_note, priority,
                                room, version, created_at, updated_at)
            SELECT :clinic, :p0 + (g * 7919) % :pn, :doctor, :service,
                   (ts AT TIME ZONE c.timezone)::date, 100000 + g, 'COMPLETED',
                   ts, ts + interval '10 minutes', ts + interval '30 minutes',
                   'Seeded consultation ' || g, 'Rx ' || g, '', 'NORMAL', '', 3, ts, ts
              FROM generate_series(1, :visits) AS g
              JOIN clinics c ON c.id = :clinic
             CROSS JOIN LATERAL (
                   SELECT date_trunc('day', now()) - make_interval(days => 1 + g % :days)
                          + make_interval(mins => 8 * 60 + (g * 13) % 600) AS ts
             ) AS t
            RETURNING id
            """
            ),
            params,
        )
        .scalars()
        .all()
    )
    params["v0"], params["vn"] = min(visit_ids), max(visit_ids)
    session.execute(text("ALTER TABLE payments DISABLE TRIGGER payments_day_totals"))
    session.execute(
        text(
            """
            INSERT INTO payments (visit_id, amount, doctor_share, center_share, status, method, paid_at, refunded_at,
                                  created_at, updated_at)
            SELECT v.id, s.price, round(s.price * r.rate, 2), s.price - round(s.price * r.rate, 2),
                   CASE WHEN k < :per_visit THEN 'REFUNDED' WHEN v.id % 10 = 0 THEN 'PENDING' ELSE 'PAID' END,
                   (ARRAY['CASH', 'CARD', 'INSURANCE', 'TRANSFER'])[1 + (v.id + k) % 4],
                   CASE WHEN k < :per_visit OR v.id % 10 <> 0 THEN v.end_time + make_interval(mins => k) END,
                   CASE WHEN k < :per_visit THEN v.end_time + make_interval(mins => k + 1) END,
                   v.end_time + make_interval(mins => k), v.end_time + make_interval(mins => k)
              FROM visits v
              JOIN services s ON s.id = v.service_id
             CROSS JOIN (SELECT coalesce(CAST(:rate AS numeric), 0.6) AS rate) AS r
             CROSS JOIN generate_series(1, :per_visit) AS k
             WHERE v.id BETWEEN :v0 AND :vn AND v.clinic_id = :clinic AND v.queue_number >= 100000
            """
        ),
        params,
    )
    session.execute(text("ALTER TABLE payments ENABLE TRIGGER payments_day_totals"))
    session.execute(text("SELECT payment_day_totals_rebuild(:clinic)"), params)
    session.commit()
    with session.get_bind().engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("patients", "visits", "payments", "payment_day_totals"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    return ScaleResult(
        clinic.id,
        doctor.id,
        len(first_patient),
        len(visit_ids),
        len(visit_ids) * payments_per_visit,
        time.monotonic() - started,
    )
