"""/users — admin only; DELETE deactivates (the row stays for the audit trail)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from common.schemas import UserCreate, UserOut, UsersQuery, UserUpdate
from server.api.deps import AdminUser, Id, SessionDep
from server.services import users as user_service

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserOut])
def list_users(session: SessionDep, _: AdminUser, query: Annotated[UsersQuery, Query()]) -> list[UserOut]:
    return user_service.list_users(session, query=query)


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, _: AdminUser) -> UserOut:
    return user_service.create_user(session, data=body)


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: Id, session: SessionDep, _: AdminUser) -> UserOut:
    return user_service.get_user(session, user_id=user_id)


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: Id, body: UserUpdate, session: SessionDep, me: AdminUser) -> UserOut:
    return user_service.update_user(session, user_id=user_id, data=body, actor=me)


@router.delete("/{user_id}", response_model=UserOut)
def deactivate_user(user_id: Id, session: SessionDep, me: AdminUser) -> UserOut:
    return user_service.deactivate_user(session, user_id=user_id, actor=me)
