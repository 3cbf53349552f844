from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import Role
from server.core.db import Base, TimestampMixin
from server.models._types import enum_column

if TYPE_CHECKING:  # doctor.py imports this module
    from server.models.doctor import Doctor


class User(TimestampMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = enum_column(Role, "user_role")
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
    # Raised when a password is reset, the user is deactivated or what the tokens grant changes: every access
    # token carries the value it was issued with, and one with an older value is refused (sockets too).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    doctor: Mapped["Doctor | None"] = relationship(back_populates="user", uselist=False)  # noqa: F821
