from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, TimestampMixin
from server.models._types import rate_column
from server.models.user import User


class Doctor(TimestampMixin, Base):
    __tablename__ = "doctors"
    __table_args__ = (
        CheckConstraint("commission_rate >= 0 AND commission_rate <= 1", name="commission_rate"),
        CheckConstraint("event_seq >= 0", name="event_seq_non_negative"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"), index=True)
    specialty: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    commission_rate: Mapped[Decimal] = rate_column(default=Decimal("0.5000"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
    # The seq of the doctor's own room `doctor_{id}`, numbered by services/outbox.py like Clinic.event_seq.
    event_seq: Mapped[int] = mapped_column(default=0, server_default="0")

    user: Mapped[User] = relationship(back_populates="doctor", lazy="joined")
    schedule: Mapped[list["DoctorSchedule"]] = relationship(
        back_populates="doctor",
        cascade="all, delete-orphan",
        order_by="(DoctorSchedule.day_of_week, DoctorSchedule.hour)",
    )

    @property
    def full_name(self) -> str:
        return self.user.full_name


class DoctorSchedule(TimestampMixin, Base):
    """Hour-by-hour weekly availability of a doctor."""

    __tablename__ = "doctor_schedules"
    __table_args__ = (
        UniqueConstraint("doctor_id", "day_of_week", "hour", name="uq_doctor_schedules_slot"),
        CheckConstraint("day_of_week BETWEEN 0 AND 6", name="day_of_week"),
        CheckConstraint("hour BETWEEN 0 AND 23", name="hour"),
    )

    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors.id", ondelete="CASCADE"))
    day_of_week: Mapped[int]
    hour: Mapped[int]
    is_available: Mapped[bool] = mapped_column(default=True, server_default="true")

    doctor: Mapped[Doctor] = relationship(back_populates="schedule")
