"""measurement report jobs

Revision ID: 0002_measurement_reports
Revises: 0001
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jarnama.core.db

revision: str = "0002_measurement_reports"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "measurement_report_jobs",
        sa.Column("id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=True),
        sa.Column("dimension", sa.String(length=32), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column(
            "filters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "format",
            sa.Enum("csv", "parquet", name="reportformat", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="reportstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("output_path", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", jarnama.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_measurement_report_jobs_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurement_report_jobs")),
    )
    with op.batch_alter_table("measurement_report_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measurement_report_jobs_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "ix_measurement_report_jobs_status_created", ["status", "created_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("measurement_report_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_measurement_report_jobs_status_created")
        batch_op.drop_index(batch_op.f("ix_measurement_report_jobs_account_id"))
    op.drop_table("measurement_report_jobs")
