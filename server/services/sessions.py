"""Sessions: refresh tokens that rotate, families revoked on reuse, and revoking everything a user holds.

- A login starts a family with one refresh token. `POST /auth/refresh` spends that token (it can never be
  used again) and answers a new pair whose refresh token joins the family.
- Presenting a spent refresh token means two parties hold it (one of them stole it): the whole family is
  revoked, so the thief's and the owner's sessions both end and the owner signs in again.
- A password reset, a deactivation (user or doctor profile) or a change of role or clinic revokes every
  refresh token of the user and raises `User.session_version`, which refuses their access tokens and makes
  the socket sweeper disconnect their sockets.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from server.core.errors import Unauthorized
from server.core.security import create_token, decode_claims, token_lifetime
from server.models import RefreshToken, User

log = logging.getLogger(__name__)


def _new_id() -> str:
    return secrets.token_hex(16)


def issue_refresh_token(session: Session, user: User, *, family: str | None = None) -> str:
    """Add a refresh token to `family` (a new family when None); the caller commits."""
    now = datetime.now(UTC)
    row = RefreshToken(
        jti=_new_id(),
        family=family or _new_id(),
        user_id=user.id,
        expires_at=now + token_lifetime("refresh"),
    )
    session.add(row)
    return create_token(user.id, "refresh", session_version=user.session_version, jti=row.jti, fam=row.family)


def forget_expired(session: Session, user_id: int) -> None:
    """Expired tokens of this user are no use to anyone: drop them (keeps the table small)."""
    session.execute(
        delete(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.expires_at < datetime.now(UTC))
    )


def spend_refresh_token(session: Session, token: str) -> tuple[int, str]:
    """Mark the refresh token spent and return (user id, family); a spent one revokes its family (committed)
    and, like a revoked or unknown one, is refused with 401."""
    claims = decode_claims(token, "refresh")
    row = session.scalar(select(RefreshToken).where(RefreshToken.jti == claims.jti).with_for_update())
    if row is None or row.user_id != claims.user_id or row.family != claims.family:
        raise Unauthorized("invalid token")
    if row.revoked_at is not None:
        raise Unauthorized("this session has ended; sign in again")
    now = datetime.now(UTC)
    if row.used_at is not None:
        log.warning("a spent refresh token was presented again (user %s): its session is revoked", row.user_id)
        _revoke(session, RefreshToken.family == row.family, now)
        session.commit()
        raise Unauthorized("this session has ended; sign in again")
    row.used_at = now
    return row.user_id, row.family


def _revoke(session: Session, condition: ColumnElement[bool], now: datetime) -> None:
    session.execute(update(RefreshToken).where(condition, RefreshToken.revoked_at.is_(None)).values(revoked_at=now))


def revoke_user_sessions(session: Session, user: User) -> None:
    """End every session of `user`: refresh tokens revoked, access tokens and sockets refused from the next
    check on. Part of the caller's transaction; announce it with `revocations.announce` after the commit."""
    _revoke(session, RefreshToken.user_id == user.id, datetime.now(UTC))
    user.session_version = (user.session_version or 0) + 1
