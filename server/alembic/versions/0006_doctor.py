"""who paid and who refunded a payment (issue 14: the visit timeline names them)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("paid_by", "refunded_by")


def upgrade() -> None:
    for column in _COLUMNS:
        op.add_column("payments", sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f(f"fk_payments_{column}_users"), "payments", "users", [column], ["id"], ondelete="SET NULL"
        )
    # Payments taken as PAID at the desk were paid by whoever took them (the only record there is of it).
    op.execute(
        "UPDATE payments SET paid_by = created_by WHERE paid_at IS NOT NULL "
        "AND paid_at BETWEEN created_at - interval '5 seconds' AND created_at + interval '5 seconds'"
    )


def downgrade() -> None:
    for column in reversed(_COLUMNS):
        op.drop_constraint(op.f(f"fk_payments_{column}_users"), "payments", type_="foreignkey")
        op.drop_column("payments", column)
