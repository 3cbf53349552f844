"""Users: admin CRUD (DELETE deactivates), with the role/clinic rules of DESIGN.md."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from common.enums import Role
from common.schemas import UserCreate, UserOut, UsersQuery, UserUpdate
from server.core import revocations
from server.core.errors import Conflict, InvalidInput, NotFound
from server.core.security import hash_password
from server.models import User
from server.services._updates import commit_or_conflict, sent_fields
from server.services.scope import require_clinic
from server.services.serializers import user_out
from server.services.sessions import revoke_user_sessions


def username_taken(session: Session, username: str) -> bool:
    # Case-insensitive, so "Reception" and "reception" cannot both exist and be confused at the login box.
    return (session.scalar(select(func.count()).where(func.lower(User.username) == username.lower())) or 0) > 0


def ensure_username_free(session: Session, username: str) -> None:
    if username_taken(session, username):
        raise Conflict(f"username {username!r} is already taken", field="username")


def _check_role_clinic(session: Session, role: Role, clinic_id: int | None) -> None:
    if role == Role.ADMIN:
        if clinic_id is not None:
            raise InvalidInput("clinic_id", "an admin is not tied to a clinic; leave clinic_id empty")
        return
    if clinic_id is None:
        raise InvalidInput("clinic_id", "clinic_id is required for receptionists and doctors")
    require_clinic(session, clinic_id)


def list_users(session: Session, *, query: UsersQuery) -> list[UserOut]:
    stmt = select(User).options(joinedload(User.doctor)).order_by(User.username)
    if query.clinic_id is not None:
        stmt = stmt.where(User.clinic_id == query.clinic_id)
    if query.role is not None:
        stmt = stmt.where(User.role == query.role)
    if query.is_active is not None:
        stmt = stmt.where(User.is_active == query.is_active)
    return [user_out(u) for u in session.scalars(stmt)]


def get_user(session: Session, *, user_id: int) -> UserOut:
    return user_out(_get_user(session, user_id))


def _get_user(session: Session, user_id: int) -> User:
    user = session.scalar(select(User).options(joinedload(User.doctor)).where(User.id == user_id))
    if user is None:
        raise NotFound("user not found")
    return user


def new_user(
    session: Session, *, username: str, password: str, full_name: str, role: Role, clinic_id: int | None
) -> User:
    """Check and add a user without committing (the doctor service adds its profile in the same transaction)."""
    _check_role_clinic(session, role, clinic_id)
    ensure_username_free(session, username)
    user = User(
        username=username,
        password_hash=hash_password(password),
        full_name=full_name,
        role=role,
        clinic_id=clinic_id,
        is_active=True,
    )
    session.add(user)
    return user


def create_user(session: Session, *, data: UserCreate) -> UserOut:
    return user_out(add_user(session, data=data))


def add_user(session: Session, *, data: UserCreate) -> User:
    """Create and commit a user (the row: for callers that are not wire clients, such as the CLI)."""
    user = new_user(
        session,
        username=data.username,
        password=data.password,
        full_name=data.full_name,
        role=data.role,
        clinic_id=data.clinic_id,
    )
    commit_or_conflict(session, f"username {data.username!r} is already taken")
    return user


def update_user(session: Session, *, user_id: int, data: UserUpdate, actor: User) -> UserOut:
    user = _get_user(session, user_id)
    changes: dict[str, Any] = sent_fields(data, nullable=frozenset({"clinic_id"}))
    role = changes.get("role", user.role)
    if role == Role.ADMIN and "clinic_id" not in changes:
        changes["clinic_id"] = None  # promoting to admin unties the user from the clinic
    clinic_id = changes.get("clinic_id", user.clinic_id)
    _check_role_clinic(session, role, clinic_id)
    if user.doctor is not None:
        # The doctor profile belongs to one clinic and needs a DOCTOR user; move or retire the profile first.
        if role != Role.DOCTOR:
            raise InvalidInput("role", "this user has a doctor profile; the role must stay DOCTOR")
        if clinic_id != user.doctor.clinic_id:
            raise InvalidInput("clinic_id", "this user's doctor profile belongs to another clinic")
    if user.id == actor.id and (role != Role.ADMIN or changes.get("is_active") is False):
        raise Conflict("you cannot demote or deactivate your own account")
    ends_sessions = "password" in changes or changes.get("is_active") is False or _grants_change(user, changes)
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
    for field, value in changes.items():
        setattr(user, field, value)
    if ends_sessions:
        revoke_user_sessions(session, user)
    commit_or_conflict(session, "user could not be updated")
    if ends_sessions:
        revocations.announce(user.id)
    return user_out(user)


def _grants_change(user: User, changes: dict[str, Any]) -> bool:
    """A new role or clinic changes what the user's tokens and sockets may reach: they sign in again."""
    return any(field in changes and changes[field] != getattr(user, field) for field in ("role", "clinic_id"))


def deactivate_user(session: Session, *, user_id: int, actor: User) -> UserOut:
    """DELETE keeps the row (visits, payments and audit rows refer to it) and only disables the login."""
    user = _get_user(session, user_id)
    if user.id == actor.id:
        raise Conflict("you cannot deactivate your own account")
    user.is_active = False
    revoke_user_sessions(session, user)
    commit_or_conflict(session, "user could not be deactivated")
    revocations.announce(user.id)
    return user_out(user)
