"""/users — admin only; DELETE deactivates (the row stays for the audit trail)."""

from fastapi import APIRouter, status

from common.enums import Role
from common.schemas import UserCreate, UserOut, UserUpdate
from server.api.deps import AdminUser, Id, SessionDep
from server.services import users as user_service
from server.services.auth import user_out

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserOut])
def list_users(
    session: SessionDep,
    _: AdminUser,
    clinic_id: Id | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
) -> list[UserOut]:
    users = user_service.list_users(session, clinic_id=clinic_id, role=role, is_active=is_active)
    return [user_out(u) for u in users]


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, _: AdminUser) -> UserOut:
    return user_out(user_service.create_user(session, data=body))


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: Id, session: SessionDep, _: AdminUser) -> UserOut:
    return user_out(user_service.get_user(session, user_id=user_id))


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: Id, body: UserUpdate, session: SessionDep, me: AdminUser) -> UserOut:
    return user_out(user_service.update_user(session, user_id=user_id, data=body, actor=me))


@router.delete("/{user_id}", response_model=UserOut)
def deactivate_user(user_id: Id, session: SessionDep, me: AdminUser) -> UserOut:
    return user_out(user_service.deactivate_user(session, user_id=user_id, actor=me))
