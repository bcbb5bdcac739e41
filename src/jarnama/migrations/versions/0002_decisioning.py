"""decisioning: ledger rows whose charge waits for the shared state store (Redis was down)

Revision ID: 0002_decisioning
Revises: 0001
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jarnama.core.db

revision: str = "0002_decisioning"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "spend_pending",
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recorded_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["spend_ledger.id"], name=op.f("fk_spend_pending_entry_id_spend_ledger")
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_spend_pending")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("spend_pending")
