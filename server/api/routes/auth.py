from fastapi import APIRouter, Request

from common.schemas import LoginRequest, RefreshRequest, TokenPair, UserOut
from server.api.deps import CurrentUser, SessionDep
from server.api.responses import refusals
from server.services import auth as auth_service

router = APIRouter(prefix="/auth", tags=["auth"])
THROTTLED = "too many failed sign-ins for this username from this address, or from this address; see Retry-After"


@router.post("/login", response_model=TokenPair, responses=refusals({429: THROTTLED}))
def login(body: LoginRequest, session: SessionDep, request: Request) -> TokenPair:
    address = request.client.host if request.client else "unknown"
    return auth_service.login(session, username=body.username, password=body.password, address=address)


@router.post("/refresh", response_model=TokenPair)
def refresh(body: RefreshRequest, session: SessionDep) -> TokenPair:
    return auth_service.refresh(session, refresh_token=body.refresh_token)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return auth_service.user_out(user)
