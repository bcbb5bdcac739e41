"""The feed over HTTP and the CLI, and the scheduled jobs (CLI and the app's background task)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade
from jarnama.creators import jobs
from jarnama.creators.models import Conversion, ConversionStatus
from jarnama.tenancy.models import Role
from tests.creators.helpers import Exchange, build, fund, report
from tests.factories import api_caller

FEED = "order_id,amount,promo_code\nH-1,15000,{code}\nH-2,9000,{code}\n"


def test_feed_upload_over_http(client: TestClient, session: Session, ex: Exchange) -> None:
    session.commit()
    adv = api_caller(session, account_id=ex.advertiser_id)
    other = api_caller(session, account_id=ex.other_advertiser_id)
    creator = api_caller(session, role=Role.CREATOR, account_id=ex.creator_id)
    url = f"/api/v1/creators/offers/{ex.offer.id}/feed"
    body = FEED.format(code=ex.code).encode()
    csv_type = {"content-type": "text/csv"}
    r = client.post(url, content=body, headers={**adv.headers, **csv_type})
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["applied"]) == (2, True)
    r = client.post(url, files={"file": ("orders.csv", body, "text/csv")}, headers=adv.headers)
    assert r.json()["unchanged"] == 2
    bad = body + b"H-3,100,NOPE-1\n"
    r = client.post(url, content=bad, headers={**adv.headers, **csv_type})
    assert r.status_code == 400
    assert r.json()["report"]["errors"] == [
        {"line": 4, "field": "promo_code", "reason": "unknown_promo_code: no creator holds "
         "this promo code"}
    ]  # fmt: skip
    assert client.post(url, content=body, headers={**other.headers, **csv_type}).status_code == 404
    assert (
        client.post(url, content=body, headers={**creator.headers, **csv_type}).status_code == 403
    )


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file the CLI is pointed at."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JARNAMA_DATABASE__URL", url)
    monkeypatch.setenv("JARNAMA_AUTH__SECRET_KEY", "test-secret")
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _exchange(url: str) -> tuple[int, str]:
    engine = make_engine(url)
    settings = Settings(_env_file=None, environment="test", auth={"secret_key": "test-secret"})
    try:
        with transaction(make_sessionmaker(engine)) as session:
            ex = build(session, settings)
            fund(session, ex, 10_000)
            old = report(session, ex, "OLD-1")
            conversion = session.get(Conversion, old.conversion_id)
            assert conversion is not None
            conversion.hold_until = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
            return ex.offer.id, ex.code
    finally:
        engine.dispose()


def _statuses(url: str) -> dict[str, ConversionStatus]:
    engine = make_engine(url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            return {c.order_id: c.status for c in session.scalars(select(Conversion))}
    finally:
        engine.dispose()


def test_cli_import_feed_and_run_jobs(database: str, tmp_path: Path) -> None:
    offer_id, code = _exchange(database)
    path = tmp_path / "orders.csv"
    path.write_text(FEED.format(code=code) + "H-3,100,NOPE-1\n")
    runner = CliRunner()
    refused = runner.invoke(app, ["creators", "import-feed", str(path), "--offer", str(offer_id)])
    assert refused.exit_code == 1, refused.output
    assert "unknown_promo_code" in refused.output
    assert "nothing applied" in refused.output
    done = runner.invoke(
        app, ["creators", "import-feed", str(path), "--offer", str(offer_id), "--allow-partial"]
    )
    assert done.exit_code == 1, done.output  # refused rows still exit 1
    assert "applied" in done.output
    assert set(_statuses(database)) == {"OLD-1", "H-1", "H-2"}
    missing = runner.invoke(app, ["creators", "import-feed", str(path), "--offer", "999"])
    assert missing.exit_code == 2
    jobs_run = runner.invoke(app, ["creators", "run-jobs"])
    assert jobs_run.exit_code == 0, jobs_run.output
    assert "approve-due" in jobs_run.output
    assert _statuses(database)["OLD-1"] is ConversionStatus.APPROVED


def test_the_background_task_runs_the_jobs(database: str) -> None:
    _exchange(database)
    engine = make_engine(database)
    settings = Settings(
        _env_file=None,
        environment="test",
        auth={"secret_key": "test-secret"},
        creators={"jobs_seconds": 0.05},
    )

    async def run() -> None:
        async with jobs.periodic_jobs(settings, make_sessionmaker(engine), background=True):
            for _ in range(100):
                await asyncio.sleep(0.02)
                if _statuses(database)["OLD-1"] is ConversionStatus.APPROVED:
                    return

    try:
        asyncio.run(run())
    finally:
        engine.dispose()
    assert _statuses(database)["OLD-1"] is ConversionStatus.APPROVED


def test_no_background_task_without_an_owned_engine(database: str) -> None:
    _exchange(database)
    engine = make_engine(database)
    settings = Settings(_env_file=None, environment="test", creators={"jobs_seconds": 0.01})

    async def run() -> None:
        async with jobs.periodic_jobs(settings, make_sessionmaker(engine), background=False):
            await asyncio.sleep(0.1)

    try:
        asyncio.run(run())
    finally:
        engine.dispose()
    assert _statuses(database)["OLD-1"] is ConversionStatus.PENDING
