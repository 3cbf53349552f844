from fastapi import APIRouter

from common.schemas import LoginRequest, RefreshRequest, TokenPair, UserOut
from server.api.deps import CurrentUser, SessionDep
from server.services import auth as auth_service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenPair)
def login(body: LoginRequest, session: SessionDep) -> TokenPair:
    return auth_service.login(session, username=body.username, password=body.password)


@router.post("/refresh", response_model=TokenPair)
def refresh(body: RefreshRequest, session: SessionDep) -> TokenPair:
    return auth_service.refresh(session, refresh_token=body.refresh_token)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return auth_service.user_out(user)
