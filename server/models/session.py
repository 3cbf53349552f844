"""Refresh tokens kept server-side, so they can rotate and be revoked (the token itself is never stored: only
its random id)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, TimestampMixin
from server.models._types import UtcDateTime


class RefreshToken(TimestampMixin, Base):
    """One issued refresh token. A login starts a `family`; each refresh spends its token (`used_at`) and adds
    the next one to the family. Presenting a spent token again revokes the whole family."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(32), unique=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
