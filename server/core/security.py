"""Password hashing (argon2) and JWT tokens; used by HTTP auth and by socket connect."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.config import get_settings
from server.core.errors import Unauthorized

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]


def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(time_cost=settings.password_hash_time_cost, memory_cost=settings.password_hash_memory_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_lifetime(token_type: TokenType) -> timedelta:
    settings = get_settings()
    if token_type == "access":
        return timedelta(minutes=settings.access_token_minutes)
    return timedelta(days=settings.refresh_token_days)


def create_token(user_id: int, token_type: TokenType, *, session_version: int = 0, **claims: str) -> str:
    """`session_version` is the user's at issue: a token of an older version is refused. A refresh token also
    carries its server-side id and family (`jti`, `fam`)."""
    now = datetime.now(UTC)
    payload = {
        "sub": str(user_id),
        "type": token_type,
        "sv": session_version,
        "iat": now,
        "exp": now + token_lifetime(token_type),
        **claims,
    }
    return jwt.encode(payload, get_settings().secret_key, algorithm=ALGORITHM)


@dataclass(frozen=True)
class Claims:
    user_id: int
    session_version: int
    jti: str | None
    family: str | None


def decode_claims(token: str, expected: TokenType) -> Claims:
    """The claims of a valid token of the expected type, else raise Unauthorized."""
    try:
        payload = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("token expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid token") from exc
    if payload.get("type") != expected:
        raise Unauthorized("invalid token")
    try:
        version = payload.get("sv", 0)
        if type(version) is not int:
            raise TypeError("sv")
        jti, family = payload.get("jti"), payload.get("fam")
        if expected == "refresh" and not (isinstance(jti, str) and isinstance(family, str)):
            raise TypeError("jti")
        return Claims(int(payload["sub"]), version, jti, family)
    except (KeyError, TypeError, ValueError) as exc:
        raise Unauthorized("invalid token") from exc


def decode_token(token: str, expected: TokenType) -> int:
    """Return the user id in a valid token of the expected type, else raise Unauthorized."""
    return decode_claims(token, expected).user_id
