"""Login, token refresh and resolving the caller from a token."""

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from common.enums import Role
from common.schemas import TokenPair
from server.core.config import get_settings
from server.core.errors import Forbidden, Unauthorized, Unavailable
from server.core.security import Claims, create_token, decode_claims, hash_password, verify_password
from server.models import Clinic, Doctor, User
from server.services import auth_cache, sessions
from server.services.login_throttle import throttle
from server.services.serializers import user_out as user_out  # re-exported: the /me route answers with it

# A valid hash to verify against when the user does not exist, so timing does not reveal unknown usernames.
_DUMMY_HASH = hash_password("not-a-real-password")
# argon2 takes ~64 MB for each check: a flood of sign-ins waits here instead of taking 64 MB per thread.
_password_checks = threading.BoundedSemaphore(get_settings().password_checks_at_once)


def _check_password(password: str, password_hash: str) -> bool:
    if not _password_checks.acquire(timeout=10):
        raise Unavailable("too many sign-ins at once; try again", retry_after_seconds=2)
    try:
        return verify_password(password, password_hash)
    finally:
        _password_checks.release()


def _token_pair(session: Session, user: User, *, family: str | None = None) -> TokenPair:
    """A new access token and the next refresh token of `family` (a new family on login); commits."""
    refresh_token = sessions.issue_refresh_token(session, user, family=family)
    session.commit()
    return TokenPair(
        access_token=create_token(user.id, "access", session_version=user.session_version),
        refresh_token=refresh_token,
        user=user_out(user),
    )


def _get_user(session: Session, user_id: int) -> User | None:
    """The user with their doctor profile, and their clinic's row in the same statement: most requests read the
    clinic next (its time zone, its seq for the board's cache key), and `session.get` then finds it in the
    identity map instead of asking the database again (issue 11: one round trip less per request)."""
    row = session.execute(
        select(User, Clinic)
        .options(joinedload(User.doctor))
        .outerjoin(Clinic, Clinic.id == User.clinic_id)
        .where(User.id == user_id)
    ).first()
    return row[0] if row is not None else None


def login(session: Session, *, username: str, password: str, address: str) -> TokenPair:
    """`address` is the client's (the proxy's X-Forwarded-For when uvicorn trusts the proxy)."""
    throttle.check(username, address)
    user = session.scalar(select(User).options(joinedload(User.doctor)).where(User.username == username))
    valid = _check_password(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid:
        throttle.failed(username, address)
        raise Unauthorized("incorrect username or password")
    if not user.is_active:
        raise Unauthorized("this account is disabled")
    throttle.succeeded(username, address)
    sessions.forget_expired(session, user.id)
    return _token_pair(session, user)


def refresh(session: Session, *, refresh_token: str) -> TokenPair:
    """Rotate: the presented refresh token is spent and a new pair is answered (see services/sessions.py)."""
    user_id, family = sessions.spend_refresh_token(session, refresh_token)
    user = _get_user(session, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("invalid token")
    return _token_pair(session, user, family=family)


def user_from_access_token(session: Session, token: str) -> User:
    return user_from_claims(session, decode_claims(token, "access"))


def cached_user(session: Session, claims: Claims) -> User | None:
    """The caller from services/auth_cache.py (no I/O), or None when the database must be asked."""
    return auth_cache.cache.attach(session, claims.user_id, claims.session_version)


def user_from_claims(session: Session, claims: Claims) -> User:
    """The caller from the database; kept in services/auth_cache.py for the next requests."""
    generation = auth_cache.cache.generation()  # taken before the read: a drop after it keeps this one out
    user = _get_user(session, claims.user_id)
    if user is None or not user.is_active or claims.session_version != user.session_version:
        raise Unauthorized("invalid token")
    auth_cache.cache.store(user, generation)
    return user


Identity = tuple[int, int | None, int]  # (user id, doctor id or None, session_version) of an open socket


def valid_identities(session: Session, identities: set[Identity]) -> set[Identity]:
    """Which socket identities still stand: the user active with the same session_version and, for a doctor,
    the same active profile. The socket sweeper disconnects the others."""
    if not identities:
        return set()
    rows = session.execute(
        select(User.id, User.is_active, User.session_version, Doctor.id, Doctor.is_active)
        .outerjoin(Doctor, Doctor.user_id == User.id)
        .where(User.id.in_({user_id for user_id, _, _ in identities}))
    ).all()
    state = {row[0]: row for row in rows}
    valid: set[Identity] = set()
    for identity in identities:
        user_id, doctor_id, version = identity
        row = state.get(user_id)
        if row is None or not row[1] or row[2] != version:
            continue
        if doctor_id is not None and (row[3] != doctor_id or not row[4]):
            continue
        valid.add(identity)
    return valid


def doctor_of(user: User) -> Doctor:
    """The caller's Doctor row (never the User id); a DOCTOR user without one gets a clear 403."""
    if user.role != Role.DOCTOR:
        raise Forbidden("doctor role required")
    if user.doctor is None:
        raise Forbidden("this user has no doctor profile")
    if not user.doctor.is_active:
        raise Forbidden("this doctor profile is inactive")
    return user.doctor
