"""measurement settings: attribution rules per campaign type, campaign holdouts, recomputes

Revision ID: 0002_measurement_settings
Revises: 0001
Create Date: 2026-11-28 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jarnama.core.db

revision: str = "0002_measurement_settings"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "attribution_settings",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("click_window_days", sa.Integer(), nullable=False),
        sa.Column("view_window_days", sa.Integer(), nullable=False),
        sa.Column("match_level", sa.String(length=16), nullable=False),
        sa.Column("view_requires_viewable", sa.Boolean(), nullable=False),
        sa.Column("updated_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "click_window_days BETWEEN 1 AND 30",
            name=op.f("ck_attribution_settings_click_window"),
        ),
        sa.CheckConstraint(
            "view_window_days BETWEEN 1 AND 30", name=op.f("ck_attribution_settings_view_window")
        ),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_attribution_settings")),
    )
    op.create_table(
        "campaign_holdouts",
        sa.Column(
            "campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("share_ppm", sa.Integer(), nullable=False),
        sa.Column("updated_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "share_ppm BETWEEN 0 AND 500000", name=op.f("ck_campaign_holdouts_share_ppm")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_campaign_holdouts_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_holdouts_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_campaign_holdouts")),
    )
    with op.batch_alter_table("campaign_holdouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_holdouts_account_id"), ["account_id"], unique=False
        )
    op.create_table(
        "attribution_recomputes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rules_digest", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("lines", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribution_recomputes")),
    )
    with op.batch_alter_table("attribution_recomputes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attribution_recomputes_status"), ["status"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("attribution_recomputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attribution_recomputes_status"))
    op.drop_table("attribution_recomputes")
    with op.batch_alter_table("campaign_holdouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_holdouts_account_id"))
    op.drop_table("campaign_holdouts")
    op.drop_table("attribution_settings")
