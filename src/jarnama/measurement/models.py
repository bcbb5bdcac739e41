"""Tables of measurement: asynchronous report jobs (their outputs are files, not rows)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class ReportStatus(enum.StrEnum):
    """Where a report job is: waiting, being computed, ready to download, or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportFormat(enum.StrEnum):
    """The file a report job writes."""

    CSV = "csv"
    PARQUET = "parquet"


class ReportJob(Base):
    """One requested report: what to compute for whom, and where its file is once done.

    `account_id` is the supplier whose campaigns the rows cover (None: the whole network, for
    network admins only). A worker claims a queued job by setting `lease_until`; a job left
    running past its lease (its process died) is claimed again, up to `MAX_ATTEMPTS`.
    """

    __tablename__ = "measurement_report_jobs"
    __table_args__ = (Index("ix_measurement_report_jobs_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(32))
    start_day: Mapped[dt.date] = mapped_column(Date)
    end_day: Mapped[dt.date] = mapped_column(Date)
    # {"campaign_ids": [...], "ad_group_ids": [...], "product_ids": [...], "placement_ids": [...]}
    filters: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    format: Mapped[ReportFormat] = mapped_column(str_enum(ReportFormat))
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus), default=ReportStatus.QUEUED
    )
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int | None] = mapped_column(Integer)
    # Absolute path of the output file, under `measurement.reports_dir` when it was written.
    output_path: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
