"""creators: platform credit of conversions and codes

Revision ID: 0002_creators
Revises: 0001
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_creators"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("creator_promo_codes") as batch:
        batch.add_column(sa.Column("platform", sa.String(length=16), nullable=True))
    with op.batch_alter_table("creator_conversions") as batch:
        batch.add_column(sa.Column("platform", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("platform_source", sa.String(length=8), nullable=True))
    # Conversions that came through a tracked link keep that link's platform (portable SQL).
    op.execute(
        """
        UPDATE creator_conversions SET
            platform = (
                SELECT l.platform FROM creator_clicks c JOIN creator_links l ON l.id = c.link_id
                WHERE c.click_id = creator_conversions.click_id
            )
        WHERE click_id IS NOT NULL
        """
    )
    op.execute("UPDATE creator_conversions SET platform_source = 'link' WHERE platform IS NOT NULL")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("creator_conversions") as batch:
        batch.drop_column("platform_source")
        batch.drop_column("platform")
    with op.batch_alter_table("creator_promo_codes") as batch:
        batch.drop_column("platform")
