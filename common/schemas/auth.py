"""Sign-in and tokens."""

from pydantic import Field

from common.enums import Role
from common.schemas.base import Schema


class LoginRequest(Schema):
    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=1)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role
    clinic_id: int | None
    doctor_id: int | None = None
    is_active: bool = True


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    user: UserOut
