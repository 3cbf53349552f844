"""Dependencies, typed once as Annotated aliases so routes read `def f(session: SessionDep, me: DoctorUser)`."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from common.enums import Role
from common.schemas.base import Id as Id  # re-exported: the bounded id of every path and query parameter
from common.schemas.base import SearchTerm as SearchTerm
from server.core.db import get_session
from server.core.errors import Forbidden, Unauthorized
from server.core.security import decode_claims
from server.models import Doctor, User
from server.services import auth as auth_service

SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False)


async def current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """Async: the token is checked on the loop (a signature, no I/O) and a cached caller (services/auth_cache.py)
    costs neither a statement nor a worker-thread trip; otherwise the database is asked in a worker thread."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("not authenticated")
    claims = decode_claims(credentials.credentials, "access")
    user = auth_service.cached_user(session, claims)
    if user is not None:
        return user
    return await run_in_threadpool(auth_service.user_from_claims, session, claims)


CurrentUser = Annotated[User, Depends(current_user)]


# The role checks below do no I/O (the doctor profile came with the user: services/auth.py), so they are async:
# a sync dependency costs a trip to the thread pool and back on every request (issue 11).


async def admin_required(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("admin role required")
    return user


async def receptionist_required(user: CurrentUser) -> User:
    """Front-desk work: receptionists of a clinic, and admins."""
    if user.role not in (Role.ADMIN, Role.RECEPTIONIST):
        raise Forbidden("reception role required")
    return user


async def doctor_required(user: CurrentUser) -> Doctor:
    return auth_service.doctor_of(user)


AdminUser = Annotated[User, Depends(admin_required)]
ReceptionUser = Annotated[User, Depends(receptionist_required)]
StaffUser = CurrentUser  # any clinic staff member (admin, receptionist, doctor); services scope the rows
DoctorUser = Annotated[Doctor, Depends(doctor_required)]
