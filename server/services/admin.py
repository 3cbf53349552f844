"""Entry points used outside HTTP (the CLI)."""

from pydantic import ValidationError
from sqlalchemy.orm import Session

from common.enums import Role
from common.schemas import UserCreate
from server.core.errors import InvalidInput
from server.models import User
from server.services import users as user_service


def create_admin(session: Session, *, username: str, password: str, full_name: str) -> User:
    """Create an ADMIN user; Conflict if the username exists, InvalidInput if a value breaks the schema."""
    try:
        data = UserCreate(username=username, password=password, full_name=full_name, role=Role.ADMIN)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "body"
        raise InvalidInput(field, first["msg"]) from exc
    return user_service.add_user(session, data=data)
