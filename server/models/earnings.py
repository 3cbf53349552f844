from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base


class PaymentDayTotal(Base):
    """A doctor's payments summed per clinic-local day (of `paid_at`, or `created_at` while unpaid), status and
    method: what the earnings summary reads instead of every payment (issue 11, data scale).

    Written ONLY by the database: the `payments_day_totals` trigger keeps it in step with `payments` in the same
    transaction, and a change of a clinic's time zone rebuilds its rows (migration 0005). Never write it here."""

    __tablename__ = "payment_day_totals"

    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0, server_default="0")
    doctor_share: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0, server_default="0")
    count: Mapped[int] = mapped_column(default=0, server_default="0")
