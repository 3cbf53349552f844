"""appointment changes on the audit trail, and the room of each call (issue 13: the visit timeline)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("CONFIRMED", "CHECKED_IN", "COMPLETED", "CANCELLED", "NO_SHOW")


def _status(name: str, *, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    kind = sa.Enum(*_STATUSES, name=name, native_enum=False, create_constraint=True, length=20)
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "appointment_changes",
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        _status("from_status", nullable=True),
        _status("to_status", nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_changes_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_appointment_changes_changed_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_changes")),
    )
    op.create_index(
        op.f("ix_appointment_changes_appointment_id"), "appointment_changes", ["appointment_id"], unique=False
    )
    # What is known of the appointments booked before this trail: who booked them, and when.
    op.execute(
        "INSERT INTO appointment_changes (appointment_id, action, to_status, detail, changed_by, changed_at) "
        "SELECT id, 'BOOKED', 'CONFIRMED', '', created_by, created_at FROM appointments"
    )
    op.add_column("visit_status_changes", sa.Column("room", sa.String(length=40), nullable=True))
    # Earlier calls keep the room their timeline showed until now (the visit's current one).
    op.execute(
        "UPDATE visit_status_changes c SET room = v.room FROM visits v "
        "WHERE v.id = c.visit_id AND c.to_status = 'CALLED'"
    )


def downgrade() -> None:
    op.drop_column("visit_status_changes", "room")
    op.drop_index(op.f("ix_appointment_changes_appointment_id"), table_name="appointment_changes")
    op.drop_table("appointment_changes")
