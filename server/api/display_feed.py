"""What the waiting-room display's transport (server.realtime.display) is handed at app creation, so it never
imports services: the clinic's screen state as JSON, and the check that a display token still opens a clinic."""

from server.core.db import new_session
from server.services import display as display_service


def display_state_json(clinic_id: int) -> str:
    with new_session() as session:
        return display_service.display_state(session, clinic_id=clinic_id).model_dump_json()


def check_display_token(clinic_id: int, token: str) -> int:
    """The token's id; raises the DomainError HTTP answers with (401 not valid here, 403 revoked)."""
    with new_session() as session:
        return display_service.check_token(session, clinic_id=clinic_id, token=token)
