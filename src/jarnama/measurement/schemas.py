"""Request and response bodies of the report jobs API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from jarnama.measurement.models import ReportFormat, ReportJob, ReportStatus
from jarnama.measurement.reports import Dimension

ID_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Ids = Annotated[list[Id], Field(max_length=500)]
CHART_KINDS = frozenset({Dimension.DAY, Dimension.CAMPAIGN_DAY})


class ReportFiltersIn(BaseModel):
    """Narrowing of a report; an empty list means no limit on that column."""

    model_config = ConfigDict(extra="forbid")

    campaign_ids: Ids = Field(default_factory=list, description="Only these campaigns.")
    ad_group_ids: Ids = Field(default_factory=list, description="Only these ad groups.")
    product_ids: Ids = Field(default_factory=list, description="Only these advertised products.")
    placement_ids: Ids = Field(default_factory=list, description="Only these placements.")


class ReportCreate(BaseModel):
    """What to report: rows by `kind` for days since..until (UTC, inclusive), as CSV or Parquet."""

    model_config = ConfigDict(extra="forbid")

    kind: Dimension = Field(
        description="day, campaign, ad_group, product, placement, or campaign_day (the daily "
        "series per campaign, for charts)."
    )
    since: dt.date = Field(description="First day, inclusive.")
    until: dt.date = Field(description="Last day, inclusive (at most 366 days after since).")
    account_id: Id | None = Field(
        default=None,
        description="The supplier whose campaigns the rows cover (default: the caller's own "
        "account; a network admin may omit it for the whole network).",
    )
    filters: ReportFiltersIn = Field(default_factory=ReportFiltersIn)
    format: ReportFormat = ReportFormat.CSV


class ReportJobOut(BaseModel):
    """A report job: its request, where it is, and (once done) where to get the file."""

    id: int
    account_id: int | None
    kind: str
    since: dt.date
    until: dt.date
    filters: dict[str, Any]
    format: ReportFormat
    status: ReportStatus
    error: str | None = Field(description="Why the job failed (status failed).")
    rows: int | None = Field(description="Rows in the file (status done).")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    download_url: str | None = Field(description="The file, once status is done.")
    chart_url: str | None = Field(
        description="A PNG of spend against attributed sales (done day/campaign_day reports)."
    )

    @classmethod
    def of(cls, job: ReportJob) -> ReportJobOut:
        """The API view of a job."""
        done = job.status is ReportStatus.DONE
        base = f"/api/v1/reports/{job.id}"
        return cls(
            id=job.id,
            account_id=job.account_id,
            kind=job.dimension,
            since=job.start_day,
            until=job.end_day,
            filters=job.filters,
            format=job.format,
            status=job.status,
            error=job.error,
            rows=job.rows,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            download_url=f"{base}/download" if done else None,
            chart_url=f"{base}/chart.png" if done and job.dimension in CHART_KINDS else None,
        )
