"""clinic floor: visit priority, calls, display tokens, clinic floor settings, appointment cancel reason

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PRIORITIES = "'NORMAL', 'URGENT', 'EMERGENCY'"


def upgrade() -> None:
    op.add_column("visits", sa.Column("priority", sa.String(length=20), server_default="NORMAL", nullable=False))
    op.create_check_constraint(op.f("ck_visits_visit_priority"), "visits", f"priority IN ({_PRIORITIES})")
    op.add_column("visits", sa.Column("room", sa.String(length=40), server_default="", nullable=False))
    op.add_column("visits", sa.Column("called_at", sa.DateTime(timezone=True), nullable=True))

    op.add_column("clinics", sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False))
    op.add_column("clinics", sa.Column("max_active_per_doctor", sa.Integer(), server_default="1", nullable=False))
    op.add_column("clinics", sa.Column("no_show_after_minutes", sa.Integer(), server_default="30", nullable=False))
    op.add_column("clinics", sa.Column("display_names", sa.String(length=20), server_default="none", nullable=False))
    op.create_check_constraint(op.f("ck_clinics_max_active_positive"), "clinics", "max_active_per_doctor > 0")
    op.create_check_constraint(op.f("ck_clinics_no_show_positive"), "clinics", "no_show_after_minutes > 0")
    op.create_check_constraint(op.f("ck_clinics_display_names"), "clinics", "display_names IN ('none', 'initials')")

    op.add_column("appointments", sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False))

    op.create_table(
        "visit_priority_changes",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("from_priority", sa.String(length=20), nullable=True),
        sa.Column("to_priority", sa.String(length=20), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(f"from_priority IN ({_PRIORITIES})", name=op.f("ck_visit_priority_changes_from_priority")),
        sa.CheckConstraint(f"to_priority IN ({_PRIORITIES})", name=op.f("ck_visit_priority_changes_to_priority")),
        sa.ForeignKeyConstraint(["changed_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_priority_changes_visit_id", "visit_priority_changes", ["visit_id"])

    op.create_table(
        "display_tokens",
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_display_tokens_clinic_id", "display_tokens", ["clinic_id"])


def downgrade() -> None:
    op.drop_index("ix_display_tokens_clinic_id", table_name="display_tokens")
    op.drop_table("display_tokens")
    op.drop_index("ix_visit_priority_changes_visit_id", table_name="visit_priority_changes")
    op.drop_table("visit_priority_changes")
    op.drop_column("appointments", "cancel_reason")
    for name in ("ck_clinics_display_names", "ck_clinics_no_show_positive", "ck_clinics_max_active_positive"):
        op.drop_constraint(op.f(name), "clinics", type_="check")
    for column in ("display_names", "no_show_after_minutes", "max_active_per_doctor", "currency"):
        op.drop_column("clinics", column)
    op.drop_column("visits", "called_at")
    op.drop_column("visits", "room")
    op.drop_constraint(op.f("ck_visits_visit_priority"), "visits", type_="check")
    op.drop_column("visits", "priority")
