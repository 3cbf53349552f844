"""Login, token refresh and resolving the caller from a token."""

import threading
import time
from collections import defaultdict, deque

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from common.enums import Role
from common.schemas import TokenPair
from server.core.config import get_settings
from server.core.errors import Forbidden, TooManyRequests, Unauthorized
from server.core.security import create_token, decode_token, hash_password, verify_password
from server.models import Doctor, User
from server.services.serializers import user_out

# A valid hash to verify against when the user does not exist, so timing does not reveal unknown usernames.
_DUMMY_HASH = hash_password("not-a-real-password")


class LoginThrottle:
    """Counts failed logins per username in a sliding window (per server process)."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        window = get_settings().login_lockout_seconds
        failures = self._failures[key]
        while failures and now - failures[0] > window:
            failures.popleft()
        return failures

    def check(self, username: str) -> None:
        key = username.lower()
        with self._lock:
            failures = self._recent(key, time.monotonic())
            if len(failures) >= get_settings().login_max_failures:
                retry = int(get_settings().login_lockout_seconds - (time.monotonic() - failures[0])) + 1
                raise TooManyRequests(
                    "too many failed logins for this user; try again later", retry_after_seconds=retry
                )

    def failed(self, username: str) -> None:
        with self._lock:
            self._recent(username.lower(), time.monotonic()).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.lower(), None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


throttle = LoginThrottle()


def _token_pair(user: User) -> TokenPair:
    return TokenPair(
        access_token=create_token(user.id, "access"),
        refresh_token=create_token(user.id, "refresh"),
        user=user_out(user),
    )


def _get_user(session: Session, user_id: int) -> User | None:
    return session.scalar(select(User).options(joinedload(User.doctor)).where(User.id == user_id))


def login(session: Session, *, username: str, password: str) -> TokenPair:
    throttle.check(username)
    user = session.scalar(select(User).options(joinedload(User.doctor)).where(User.username == username))
    valid = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid:
        throttle.failed(username)
        raise Unauthorized("incorrect username or password")
    if not user.is_active:
        raise Unauthorized("this account is disabled")
    throttle.succeeded(username)
    return _token_pair(user)


def refresh(session: Session, *, refresh_token: str) -> TokenPair:
    user = _get_user(session, decode_token(refresh_token, "refresh"))
    if user is None or not user.is_active:
        raise Unauthorized("invalid token")
    return _token_pair(user)


def user_from_access_token(session: Session, token: str) -> User:
    user = _get_user(session, decode_token(token, "access"))
    if user is None or not user.is_active:
        raise Unauthorized("invalid token")
    return user


def doctor_of(user: User) -> Doctor:
    """The caller's Doctor row (never the User id); a DOCTOR user without one gets a clear 403."""
    if user.role != Role.DOCTOR:
        raise Forbidden("doctor role required")
    if user.doctor is None:
        raise Forbidden("this user has no doctor profile")
    if not user.doctor.is_active:
        raise Forbidden("this doctor profile is inactive")
    return user.doctor
