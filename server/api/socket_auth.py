"""What the transport (server.realtime) is handed at app creation, so it never imports services: socket connect
auth (the same checks as HTTP, so a socket never gets a room a request would be refused) and the session sweeper's
check of which connected sockets still stand."""

from common.enums import Role
from server.core.db import new_session
from server.realtime.sio import SocketUser
from server.realtime.sweeper import Identity
from server.services import auth as auth_service


def authenticate_socket(token: str) -> SocketUser:
    """A valid access token of an active user, and for a DOCTOR an active doctor profile (auth.doctor_of);
    raises the same DomainError HTTP would answer with."""
    with new_session() as session:
        user = auth_service.user_from_access_token(session, token)
        doctor_id = auth_service.doctor_of(user).id if user.role == Role.DOCTOR else None
        return SocketUser(user.id, user.role, user.clinic_id, doctor_id, user.session_version)


def still_valid_identities(identities: set[Identity]) -> set[Identity]:
    """Which socket identities still stand (user and doctor profile active, session version unchanged)."""
    with new_session() as session:
        return auth_service.valid_identities(session, identities)
