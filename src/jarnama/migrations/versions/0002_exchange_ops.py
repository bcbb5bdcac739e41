"""exchange operations: creative approvals, dynamic creative, traffic signals, auction records

Revision ID: 0002_exchange_ops
Revises: 0001
Create Date: 2026-11-27 15:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jarnama.core.db

revision: str = "0002_exchange_ops"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "exchange_creatives",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("bidder", sa.String(length=64), nullable=False),
        sa.Column("crid", sa.String(length=200), nullable=False),
        sa.Column("adomain", sa.String(length=500), nullable=False),
        sa.Column("seat", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="creativestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("adm", sa.Text(), nullable=True),
        sa.Column("iurl", sa.String(length=2000), nullable=True),
        sa.Column("nurl", sa.String(length=2000), nullable=True),
        sa.Column(
            "categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column(
            "first_screen_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("first_seen_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_exchange_creatives_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_creatives")),
        sa.UniqueConstraint(
            "account_id",
            "bidder",
            "crid",
            "adomain",
            name=op.f("uq_exchange_creatives_account_id_bidder_crid_adomain"),
        ),
    )
    with op.batch_alter_table("exchange_creatives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_creatives_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exchange_creatives_status"), ["status"], unique=False)

    op.create_table(
        "exchange_dco_campaigns",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("direct", "house", name="dcokind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "screen_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "group_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("starts_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_exchange_dco_campaigns_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_dco_campaigns")),
    )
    with op.batch_alter_table("exchange_dco_campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_dco_campaigns_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "exchange_dco_variants",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("creative_url", sa.String(length=2000), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["exchange_dco_campaigns.id"],
            name=op.f("fk_exchange_dco_variants_campaign_id_exchange_dco_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_dco_variants")),
    )
    with op.batch_alter_table("exchange_dco_variants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_dco_variants_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "exchange_traffic_readings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("observed_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_traffic_readings")),
    )
    with op.batch_alter_table("exchange_traffic_readings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_traffic_readings_city_at", ["city", "observed_at"], unique=False
        )

    op.create_table(
        "exchange_auction_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("auction_id", sa.String(length=64), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "screen_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("occurred_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filled", sa.Boolean(), nullable=False),
        sa.Column("winner_bidder", sa.String(length=64), nullable=True),
        sa.Column("winner_seat", sa.String(length=200), nullable=True),
        sa.Column("deal_code", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_auction_records")),
        sa.UniqueConstraint("auction_id", name=op.f("uq_exchange_auction_records_auction_id")),
    )
    with op.batch_alter_table("exchange_auction_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_auction_records_account_day", ["account_id", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_auction_records_screen_id"), ["screen_id"], unique=False
        )

    op.create_table(
        "exchange_bidder_calls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "auction_record_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "screen_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bidder", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bids", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["auction_record_id"],
            ["exchange_auction_records.id"],
            name=op.f("fk_exchange_bidder_calls_auction_record_id_exchange_auction_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_bidder_calls")),
    )
    with op.batch_alter_table("exchange_bidder_calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_bidder_calls_account_day", ["account_id", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_bidder_calls_auction_record_id"),
            ["auction_record_id"],
            unique=False,
        )

    op.create_table(
        "exchange_bid_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "auction_record_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "screen_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bidder", sa.String(length=64), nullable=False),
        sa.Column("seat", sa.String(length=200), nullable=False),
        sa.Column("bid_id", sa.String(length=200), nullable=False),
        sa.Column("crid", sa.String(length=200), nullable=True),
        sa.Column("deal_code", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("loss", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["auction_record_id"],
            ["exchange_auction_records.id"],
            name=op.f("fk_exchange_bid_records_auction_record_id_exchange_auction_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_bid_records")),
    )
    with op.batch_alter_table("exchange_bid_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_bid_records_account_day", ["account_id", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_bid_records_auction_record_id"),
            ["auction_record_id"],
            unique=False,
        )


def downgrade() -> None:
    """Revert this revision (indexes go with their tables)."""
    op.drop_table("exchange_bid_records")
    op.drop_table("exchange_bidder_calls")
    op.drop_table("exchange_auction_records")
    op.drop_table("exchange_traffic_readings")
    op.drop_table("exchange_dco_variants")
    op.drop_table("exchange_dco_campaigns")
    op.drop_table("exchange_creatives")
