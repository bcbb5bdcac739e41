"""The creator exchange's scheduled jobs: dispute deadlines, then auto-approval at hold end.

Disputes run first: one resolved for the creator puts its conversion back to pending with the
hold ended, so the approval pass of the same run pays it. Both jobs are idempotent (each only
touches rows still due) and each run locks the rows it takes (`FOR UPDATE SKIP LOCKED` on
PostgreSQL), so overlapping runs from several server processes never handle one row twice.
`jarnama creators run-jobs` runs them once; a server that owns its engine runs them every
`creators.jobs_seconds` (300 s) in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.db import transaction
from jarnama.creators import disputes, lifecycle
from jarnama.creators.schemas import JobReport
from jarnama.creators.taxes import tax_table
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

log = logging.getLogger(__name__)


def run_jobs(
    session: Session,
    settings: Settings,
    *,
    actor: Principal | str = "system",
    now: dt.datetime | None = None,
) -> dict[str, JobReport]:
    """Run both jobs once in the caller's transaction; audited when they changed anything."""
    table = tax_table(settings)
    reports = {
        "expire-disputes": disputes.resolve_expired(session, table, now=now),
        "approve-due": lifecycle.approve_due(session, table, now=now),
    }
    for job, report in reports.items():
        if report.done or report.skipped:
            audit.record(
                session,
                actor,
                "run",
                "creator_job",
                job,
                account_id=None,
                after=report.model_dump(mode="json"),
            )
    return reports


def run_jobs_once(factory: sessionmaker[Session], settings: Settings) -> dict[str, JobReport]:
    """Run both jobs in their own transaction (committed on success)."""
    with transaction(factory) as session:
        return run_jobs(session, settings)


@contextlib.asynccontextmanager
async def periodic_jobs(
    settings: Settings, factory: sessionmaker[Session], *, background: bool
) -> AsyncIterator[None]:
    """Run the jobs every `creators.jobs_seconds` in a worker thread while the app lives.

    Without `background` (tests sharing one connection) or with `jobs_seconds` 0, nothing runs.
    A failed run is logged and retried on the next tick.
    """
    interval = settings.creators.jobs_seconds
    if not background or interval <= 0:
        yield
        return
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            try:
                reports = await asyncio.to_thread(run_jobs_once, factory, settings)
                if any(r.done or r.skipped for r in reports.values()):
                    log.info(
                        "creator jobs ran",
                        extra={"jobs": {k: r.model_dump(mode="json") for k, r in reports.items()}},
                    )
            except Exception:
                log.exception("creator jobs failed; retrying on the next tick")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task
