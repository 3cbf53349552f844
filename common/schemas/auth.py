"""Sign-in and tokens."""

from typing import Annotated

from common.enums import Role
from common.schemas.base import PASSWORD_MAX, USERNAME_MAX, Code, Schema, Text, Token


class LoginRequest(Schema):
    """Any name and password up to the longest that can exist (no strip: the name is matched as typed)."""

    username: Annotated[str, Text(USERNAME_MAX, min_length=1)]
    password: Annotated[str, Text(PASSWORD_MAX, min_length=1)]


class RefreshRequest(Schema):
    refresh_token: Token


class UserOut(Schema):
    id: int
    username: Annotated[str, Text(USERNAME_MAX)]
    full_name: Annotated[str, Text(200)]
    role: Role
    clinic_id: int | None
    doctor_id: int | None = None
    is_active: bool = True


class TokenPair(Schema):
    access_token: Token
    refresh_token: Token
    token_type: Code = "bearer"
    user: UserOut
