"""Asynchronous report jobs: create → poll → download, computed by a background worker.

A job is a row (`measurement_report_jobs`); its result is a CSV or Parquet file under
`measurement.reports_dir`. A worker claims the oldest queued job by giving it a lease
(`report_lease_seconds`) in its own short transaction, computes the report outside any
transaction, then records done (rows, file) or failed (the error) in another. The queue lives
in the database, so a restart loses nothing: queued jobs wait for the next worker, and a job
whose process died while running is claimed again once its lease ran out (at most
`MAX_ATTEMPTS` times, then it is failed). Each server process owning its engine runs one
worker; PostgreSQL's `FOR UPDATE SKIP LOCKED` keeps two of them off the same job.

A supplier's job covers only its own account's campaigns: the account is fixed when the job is
created and applied inside the report's SQL; anyone else asking for the job gets 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session, sessionmaker

from jarnama.campaigns.access import ensure_can_read, ensure_not_creator
from jarnama.config import Settings
from jarnama.core.db import transaction
from jarnama.core.errors import Conflict, InvalidInput, JarnamaError, NotFound
from jarnama.core.time import utcnow
from jarnama.measurement import repository
from jarnama.measurement.models import ReportFormat, ReportJob, ReportStatus
from jarnama.measurement.pipeline import refresh, store_lock
from jarnama.measurement.reports import Dimension, ReportFilters, run_report, to_csv, to_parquet
from jarnama.measurement.schemas import ReportCreate
from jarnama.measurement.store import AnalyticsStore
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
MAX_SPAN_DAYS = 366
_FILTERS = ("campaign_ids", "ad_group_ids", "product_ids", "placement_ids")
MEDIA_TYPES = {ReportFormat.CSV: "text/csv", ReportFormat.PARQUET: "application/vnd.apache.parquet"}


class ReportGone(JarnamaError):
    """A done job's file is no longer on disk (removed by retention or by hand)."""

    status_code = 410
    code = "gone"


# --- the API's side ----------------------------------------------------------------------------


def _check_filters(session: Session, body: ReportCreate, account_id: int | None) -> None:
    """404 (naming the field) for a campaign or ad group that is not the job's account's."""
    lookups = (
        ("campaign_ids", repository.campaign_accounts, body.filters.campaign_ids),
        ("ad_group_ids", repository.ad_group_accounts, body.filters.ad_group_ids),
    )
    for name, owners_of, ids in lookups:
        if not ids:
            continue
        owners = owners_of(session, frozenset(ids))
        for wanted in ids:
            owner = owners.get(wanted)
            if owner is None or (account_id is not None and owner != account_id):
                raise NotFound(f"{name[:-4].replace('_', ' ')} {wanted} not found", field=name)


def create_job(session: Session, principal: Principal, body: ReportCreate) -> ReportJob:
    """Queue a report job for the caller's (or a named client's) campaigns; flushes."""
    ensure_not_creator(principal)
    ensure_can_read(principal)
    account_id = None
    if body.account_id is not None or not principal.is_network_admin:
        account_id = principal.owning_account(body.account_id)
    if body.until < body.since:
        raise InvalidInput("until is before since", field="until")
    if (body.until - body.since).days >= MAX_SPAN_DAYS:
        raise InvalidInput(f"a report covers at most {MAX_SPAN_DAYS} days", field="until")
    _check_filters(session, body, account_id)
    filters = {name: sorted(set(getattr(body.filters, name))) for name in _FILTERS}
    job = ReportJob(
        account_id=account_id,
        dimension=body.kind.value,
        start_day=body.since,
        end_day=body.until,
        filters={name: ids for name, ids in filters.items() if ids},
        format=body.format,
        status=ReportStatus.QUEUED,
        attempts=0,
        created_by=principal.actor,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "report_job",
        job.id,
        account_id=account_id,
        after=body.model_dump(mode="json"),
    )
    return job


def get_job(session: Session, principal: Principal, job_id: int) -> ReportJob:
    """A job the caller may see (404 for none and for another tenant's)."""
    ensure_not_creator(principal)
    ensure_can_read(principal)
    job = repository.report_job(session, job_id)
    if job is None or not principal.can_access(job.account_id):
        raise NotFound("report not found")
    return job


def output_of(job: ReportJob) -> Path:
    """The file of a done job (409 while it is not done, 410 when the file is gone)."""
    if job.status is not ReportStatus.DONE or job.output_path is None:
        detail = f": {job.error}" if job.error else ""
        raise Conflict(f"the report is {job.status.value}{detail}", field="status")
    path = Path(job.output_path)
    if not path.is_file():
        raise ReportGone("the report's file is no longer available; create the report again")
    return path


# --- the worker's side -------------------------------------------------------------------------


def claim(session: Session, settings: Settings, now: dt.datetime) -> ReportJob | None:
    """Take the next job (queued, or running with its lease run out); flushes."""
    while True:
        job = repository.claimable_job(session, now)
        if job is None:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            finish(session, job, now, error=f"gave up after {job.attempts} attempts")
            continue
        job.status = ReportStatus.RUNNING
        job.attempts += 1
        job.started_at = now
        job.lease_until = now + dt.timedelta(seconds=settings.measurement.report_lease_seconds)
        session.flush()
        return job


def finish(
    session: Session,
    job: ReportJob,
    now: dt.datetime,
    *,
    rows: int | None = None,
    path: str | None = None,
    error: str | None = None,
) -> None:
    """Record a job as done (its rows and file) or, with `error`, as failed; audited."""
    job.status = ReportStatus.FAILED if error is not None else ReportStatus.DONE
    job.rows, job.output_path, job.error = rows, path, error
    job.finished_at, job.lease_until = now, None
    after: dict[str, Any] = {"status": job.status.value, "rows": rows, "error": error}
    audit.record(
        session, "system", "run", "report_job", job.id, account_id=job.account_id, after=after
    )
    session.flush()


def compute(session: Session, settings: Settings, job: ReportJob) -> pa.Table:
    """The job's rows: refresh the store (when configured), then the report in the job's scope."""
    store = AnalyticsStore(settings.measurement.store_dir)
    scope = None if job.account_id is None else frozenset({job.account_id})
    filters = ReportFilters(
        **{
            name: frozenset(int(i) for i in ids)
            for name, ids in job.filters.items()
            if name in _FILTERS and ids
        }
    )
    with store_lock(store):
        if settings.measurement.refresh_before_report:
            refresh(session, settings, store, job.start_day, job.end_day)
        return run_report(
            store, Dimension(job.dimension), job.start_day, job.end_day, scope, filters
        )


def write_output(settings: Settings, job: ReportJob, table: pa.Table) -> Path:
    """Write the job's file atomically under `reports_dir`; its absolute path."""
    directory = Path(settings.measurement.reports_dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    # A random part so a file name says nothing guessable about other tenants' reports.
    final = directory / f"report-{job.id}-{secrets.token_hex(6)}.{job.format.value}"
    temporary = directory / f".{final.name}.tmp"
    data = to_parquet(table) if job.format is ReportFormat.PARQUET else to_csv(table)
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(final)
    return final


def run_next(
    factory: sessionmaker[Session], settings: Settings, now: dt.datetime | None = None
) -> int | None:
    """Claim and compute one job; its id (None when nothing was waiting)."""
    with transaction(factory) as session:
        job = claim(session, settings, now or utcnow())
        if job is None:
            return None
        job_id = job.id
    try:
        with factory() as session:
            job = repository.report_job(session, job_id)
            assert job is not None  # claimed above, jobs are never deleted
            table = compute(session, settings, job)
            path = write_output(settings, job, table)
    except Exception as exc:
        log.exception("report job %s failed", job_id)
        with transaction(factory) as session:
            failed = repository.report_job(session, job_id)
            assert failed is not None
            finish(session, failed, utcnow(), error=f"{type(exc).__name__}: {exc}"[:1000])
        return job_id
    with transaction(factory) as session:
        done = repository.report_job(session, job_id)
        assert done is not None
        finish(session, done, utcnow(), rows=table.num_rows, path=str(path))
    return job_id


def run_pending(factory: sessionmaker[Session], settings: Settings, limit: int = 1000) -> int:
    """Run waiting jobs one by one until none is left (or `limit`); how many ran."""
    ran = 0
    while ran < limit and run_next(factory, settings) is not None:
        ran += 1
    return ran


@contextlib.asynccontextmanager
async def report_worker(
    state: Any, settings: Settings, factory: sessionmaker[Session], *, background: bool
) -> AsyncIterator[None]:
    """Run report jobs in a worker thread while the app lives; woken on new jobs or polling.

    `state.report_wakeup` (set here) is a thread-safe callable the API calls after a job is
    committed. Without `background` (tests sharing one connection) or with a poll interval of
    0, nothing runs and jobs wait for `jarnama report run-jobs` or another process.
    """
    interval = settings.measurement.report_poll_seconds
    if not background or interval <= 0:
        yield
        return
    stop = asyncio.Event()
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()

    def wakeup() -> None:
        loop.call_soon_threadsafe(wake.set)

    state.report_wakeup = wakeup

    async def work() -> None:
        while not stop.is_set():
            wake.clear()
            try:
                while not stop.is_set():
                    if await asyncio.to_thread(run_next, factory, settings) is None:
                        break
            except Exception:
                log.exception("report worker failed; retrying on the next tick")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_either(stop, wake), interval)

    task = asyncio.create_task(work())
    try:
        yield
    finally:
        stop.set()
        await task  # a job being computed finishes first (its lease would cover a kill)
        state.report_wakeup = None


async def _either(first: asyncio.Event, second: asyncio.Event) -> None:
    waits = [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()


def chart_of(job: ReportJob) -> bytes:
    """The PNG chart of a done day or campaign_day job (409 for other kinds)."""
    from jarnama.measurement.charts import daily_series, render_chart
    from jarnama.measurement.schemas import CHART_KINDS

    if job.dimension not in CHART_KINDS:
        raise Conflict("a chart needs a day or campaign_day report", field="kind")
    path = output_of(job)
    if job.format is ReportFormat.PARQUET:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    else:
        import pyarrow.csv as pacsv

        table = pacsv.read_csv(
            path, convert_options=pacsv.ConvertOptions(column_types={"day": pa.date32()})
        )
    who = "the network" if job.account_id is None else f"account {job.account_id}"
    campaigns = job.filters.get("campaign_ids")
    if campaigns:
        who += ", campaign " + ", ".join(str(c) for c in campaigns)
    title = f"Spend and attributed sales, {who}, {job.start_day} – {job.end_day}"
    return render_chart(daily_series(table, job.start_day, job.end_day), title)
