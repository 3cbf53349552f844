from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, TimestampMixin
from server.models._types import money_column, rate_column


class Service(TimestampMixin, Base):
    """A billable medical service (consultation, X-ray …) of one clinic."""

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint(
            "doctor_share_rate IS NULL OR (doctor_share_rate >= 0 AND doctor_share_rate <= 1)",
            name="doctor_share_rate",
        ),
    )

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = money_column()
    duration_minutes: Mapped[int] = mapped_column(default=30)
    doctor_share_rate: Mapped[Decimal | None] = rate_column(nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
