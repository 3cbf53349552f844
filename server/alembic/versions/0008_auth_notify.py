"""NOTIFY clinic_auth with the user id when a user or doctor row changes (issue 11: the auth cache drops it)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# server/services/auth_cache.py listens. A doctor's row changes with every event of its room (event_seq, by
# services/outbox.py, in a statement of its own): that update tells nothing, anything else does.
_FUNCTION = """
CREATE FUNCTION clinic_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_id bigint;
    new_id bigint;
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        IF TG_OP <> 'INSERT' THEN old_id := OLD.id; END IF;
        IF TG_OP <> 'DELETE' THEN new_id := NEW.id; END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN old_id := OLD.user_id; END IF;
        IF TG_OP <> 'DELETE' THEN new_id := NEW.user_id; END IF;
    END IF;
    IF old_id IS NOT NULL THEN PERFORM pg_notify('clinic_auth', old_id::text); END IF;
    IF new_id IS NOT NULL AND new_id IS DISTINCT FROM old_id THEN
        PERFORM pg_notify('clinic_auth', new_id::text);
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER users_auth_notify AFTER UPDATE OR DELETE ON users "
        "FOR EACH ROW EXECUTE FUNCTION clinic_auth_notify()"
    )
    op.execute(
        "CREATE TRIGGER doctors_auth_notify_rows AFTER INSERT OR DELETE ON doctors "
        "FOR EACH ROW EXECUTE FUNCTION clinic_auth_notify()"
    )
    op.execute(
        "CREATE TRIGGER doctors_auth_notify_update AFTER UPDATE ON doctors FOR EACH ROW "
        "WHEN (OLD.event_seq IS NOT DISTINCT FROM NEW.event_seq) EXECUTE FUNCTION clinic_auth_notify()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER doctors_auth_notify_update ON doctors")
    op.execute("DROP TRIGGER doctors_auth_notify_rows ON doctors")
    op.execute("DROP TRIGGER users_auth_notify ON users")
    op.execute("DROP FUNCTION clinic_auth_notify()")
