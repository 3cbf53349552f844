"""per-doctor room seq, and the desk's check-in note apart from the clinical notes

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

Doctors get their own event counter (`doctors.event_seq`, the seq of the room `doctor_{id}`). Visits get
`checkin_note`: the front desk's note at check-in used to be written into the clinical `notes`, which the desk
no longer sees; a visit not yet with the doctor (WAITING, CALLED) can only hold such a note, so it is moved.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("doctors", sa.Column("event_seq", sa.Integer(), server_default="0", nullable=False))
    op.create_check_constraint(op.f("ck_doctors_event_seq_non_negative"), "doctors", "event_seq >= 0")
    op.add_column("visits", sa.Column("checkin_note", sa.Text(), server_default="", nullable=False))
    op.execute(
        "UPDATE visits SET checkin_note = notes, notes = '' WHERE status IN ('WAITING', 'CALLED') AND notes <> ''"
    )


def downgrade() -> None:
    op.execute("UPDATE visits SET notes = checkin_note WHERE notes = '' AND checkin_note <> ''")
    op.drop_column("visits", "checkin_note")
    op.drop_constraint(op.f("ck_doctors_event_seq_non_negative"), "doctors", type_="check")
    op.drop_column("doctors", "event_seq")
