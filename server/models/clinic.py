from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from common.enums import DisplayNames
from server.core.db import Base, TimestampMixin
from server.models._types import enum_column


class Clinic(TimestampMixin, Base):
    __tablename__ = "clinics"
    __table_args__ = (
        CheckConstraint("overdue_wait_minutes > 0", name="overdue_positive"),
        CheckConstraint("event_seq >= 0", name="event_seq_non_negative"),
        CheckConstraint("max_active_per_doctor > 0", name="max_active_positive"),
        CheckConstraint("no_show_after_minutes > 0", name="no_show_positive"),
    )

    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    overdue_wait_minutes: Mapped[int] = mapped_column(default=20, server_default="20")
    # The seq of the desk room `clinic_{id}`: incremented (services/outbox.py) in the same transaction as every
    # change the desk is told about; its events carry it as `seq`.
    event_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # ISO 4217 code shown beside every amount (screens, receipts, CSV).
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # How many patients a doctor may have IN_PROGRESS before a further send asks to confirm.
    max_active_per_doctor: Mapped[int] = mapped_column(default=1, server_default="1")
    # An appointment not checked in this long after its start becomes NO_SHOW (server task).
    no_show_after_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    # What the waiting-room display shows of a patient: numbers only, or initials too.
    display_names: Mapped[DisplayNames] = enum_column(
        DisplayNames, "display_names", default=DisplayNames.NONE, server_default=DisplayNames.NONE.value
    )
