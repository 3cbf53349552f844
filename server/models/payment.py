from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import PaymentMethod, PaymentStatus
from server.core.db import Base, TimestampMixin
from server.models._types import UtcDateTime, enum_column, money_column
from server.models.visit import Visit


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("doctor_share >= 0", name="doctor_share_non_negative"),
        CheckConstraint("center_share >= 0", name="center_share_non_negative"),
        CheckConstraint("doctor_share + center_share = amount", name="shares_add_up"),
    )

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[Decimal] = money_column()
    doctor_share: Mapped[Decimal] = money_column()
    center_share: Mapped[Decimal] = money_column()
    status: Mapped[PaymentStatus] = enum_column(PaymentStatus, "payment_status", default=PaymentStatus.PENDING)
    method: Mapped[PaymentMethod] = enum_column(PaymentMethod, "payment_method", default=PaymentMethod.CASH)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who took the money and who gave it back (the visit's timeline names them; migration 0006).
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    refunded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    visit: Mapped[Visit] = relationship(back_populates="payments")
