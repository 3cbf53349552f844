from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, TimestampMixin


class Clinic(TimestampMixin, Base):
    __tablename__ = "clinics"
    __table_args__ = (
        CheckConstraint("overdue_wait_minutes > 0", name="overdue_positive"),
        CheckConstraint("event_seq >= 0", name="event_seq_non_negative"),
    )

    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    overdue_wait_minutes: Mapped[int] = mapped_column(default=20, server_default="20")
    # The seq of the desk room `clinic_{id}`: incremented (services/outbox.py) in the same transaction as every
    # change the desk is told about; its events carry it as `seq`.
    event_seq: Mapped[int] = mapped_column(default=0, server_default="0")
