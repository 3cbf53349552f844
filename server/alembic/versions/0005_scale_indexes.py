"""data scale (issue 11): indexes the plans need, trigram search, per-day earnings totals kept by a trigger

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The earnings list orders by the payment's date, newest first (services/earnings.py: PAY_DATE).
_PAY_DATE_INDEX = "CREATE INDEX ix_payments_pay_date ON payments ((coalesce(paid_at, created_at)) DESC, id DESC)"

# Trigram indexes for "name or phone contains" (services/listing.patient_matches). pg_trgm ships with Debian's
# postgresql-contrib; a server without it (the embedded PostgreSQL) keeps working with sequential scans.
_TRGM = (
    "CREATE INDEX ix_patients_name_trgm ON patients USING gin (full_name gin_trgm_ops)",
    "CREATE INDEX ix_patients_phone_trgm ON patients USING gin (phone gin_trgm_ops)",
    "CREATE INDEX ix_patients_phone_digits_trgm ON patients "
    "USING gin ((regexp_replace(phone, '\\D', '', 'g')) gin_trgm_ops)",
)

_TOTALS_FUNCTIONS = r"""
CREATE FUNCTION payment_day_totals_add(p_visit integer, p_paid timestamptz, p_created timestamptz,
                                       p_status varchar, p_method varchar, p_amount numeric, p_share numeric,
                                       p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_doctor integer;
  v_tz text;
BEGIN
  SELECT v.doctor_id, c.timezone INTO v_doctor, v_tz
    FROM visits v JOIN clinics c ON c.id = v.clinic_id WHERE v.id = p_visit;
  IF v_doctor IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO payment_day_totals AS t (doctor_id, day, status, method, amount, doctor_share, count)
  VALUES (v_doctor, (coalesce(p_paid, p_created) AT TIME ZONE v_tz)::date, p_status, p_method,
          p_sign * p_amount, p_sign * p_share, p_sign)
  ON CONFLICT (doctor_id, day, status, method) DO UPDATE
    SET amount = t.amount + EXCLUDED.amount,
        doctor_share = t.doctor_share + EXCLUDED.doctor_share,
        count = t.count + EXCLUDED.count;
END $$;

CREATE FUNCTION payments_day_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM payment_day_totals_add(OLD.visit_id, OLD.paid_at, OLD.created_at, OLD.status, OLD.method,
                                   OLD.amount, OLD.doctor_share, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM payment_day_totals_add(NEW.visit_id, NEW.paid_at, NEW.created_at, NEW.status, NEW.method,
                                   NEW.amount, NEW.doctor_share, 1);
  END IF;
  RETURN NULL;
END $$;

-- Every total of the doctors of one clinic, from the payments (a time zone change moves payments between days;
-- `clinic-server seed-scale` inserts with the trigger off and rebuilds once).
CREATE FUNCTION payment_day_totals_rebuild(p_clinic integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM payment_day_totals t USING doctors d WHERE d.id = t.doctor_id AND d.clinic_id = p_clinic;
  INSERT INTO payment_day_totals (doctor_id, day, status, method, amount, doctor_share, count)
  SELECT v.doctor_id, (coalesce(p.paid_at, p.created_at) AT TIME ZONE c.timezone)::date, p.status, p.method,
         sum(p.amount), sum(p.doctor_share), count(*)
    FROM payments p JOIN visits v ON v.id = p.visit_id JOIN clinics c ON c.id = v.clinic_id
   WHERE v.clinic_id = p_clinic
   GROUP BY 1, 2, 3, 4;
END $$;

CREATE FUNCTION clinics_timezone_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM payment_day_totals_rebuild(NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER payments_day_totals AFTER INSERT OR UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_day_totals();

CREATE TRIGGER clinics_timezone_totals AFTER UPDATE OF timezone ON clinics
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION clinics_timezone_totals();
"""


def _has_trgm() -> bool:
    bind = op.get_bind()
    return bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first() is not None


def upgrade() -> None:
    op.execute(_PAY_DATE_INDEX)
    # The doctor's day (dashboard, Today's Work) and the patient's history with a doctor, newest first.
    op.create_index("ix_visits_doctor_day", "visits", ["doctor_id", "queue_date"])
    op.create_index(
        "ix_visits_patient_doctor_checkin", "visits", ["patient_id", "doctor_id", sa.text("check_in_time DESC")]
    )
    if _has_trgm():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for statement in _TRGM:
            op.execute(statement)

    op.create_table(
        "payment_day_totals",
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), server_default="0", nullable=False),
        sa.Column("doctor_share", sa.Numeric(14, 2), server_default="0", nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["doctor_id"],
            ["doctors.id"],
            name=op.f("fk_payment_day_totals_doctor_id_doctors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("doctor_id", "day", "status", "method", name=op.f("pk_payment_day_totals")),
    )
    op.execute(_TOTALS_FUNCTIONS)
    op.execute(
        "SELECT payment_day_totals_rebuild(id) FROM clinics"  # the payments already there
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS clinics_timezone_totals ON clinics")
    op.execute("DROP TRIGGER IF EXISTS payments_day_totals ON payments")
    op.execute("DROP FUNCTION IF EXISTS clinics_timezone_totals()")
    op.execute("DROP FUNCTION IF EXISTS payments_day_totals()")
    op.execute("DROP FUNCTION IF EXISTS payment_day_totals_rebuild(integer)")
    op.execute(
        "DROP FUNCTION IF EXISTS payment_day_totals_add(integer, timestamptz, timestamptz, varchar, varchar, "
        "numeric, numeric, integer)"
    )
    op.drop_table("payment_day_totals")
    for name in ("ix_patients_phone_digits_trgm", "ix_patients_phone_trgm", "ix_patients_name_trgm"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_visits_patient_doctor_checkin", table_name="visits")
    op.drop_index("ix_visits_doctor_day", table_name="visits")
    op.execute("DROP INDEX IF EXISTS ix_payments_pay_date")
