"""`jarnama report lift` and `jarnama report recompute` on a migrated SQLite database."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jarnama.campaigns import service as campaigns
from jarnama.campaigns.models import AdGroupKind
from jarnama.campaigns.schemas import AdGroupCreate, CampaignCreate
from jarnama.catalog import service as catalog
from jarnama.cli import app
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade
from jarnama.measurement.lift_cli import OPERATOR
from jarnama.measurement.rules import schedule_recompute
from tests import factories


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, int]:
    """A CLI runner on a fresh database with one listing campaign; the campaign's id."""
    for name in list(os.environ):
        if name.startswith("JARNAMA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JARNAMA_DATABASE__URL", url)
    monkeypatch.setenv("JARNAMA_MEASUREMENT__STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("JARNAMA_EVENTS__LOG_DIR", str(tmp_path / "events"))
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        acct = factories.account(session, "Food Master")
        brand = catalog.create_brand(session, OPERATOR, name="FM", owner_account_id=acct.id)
        product = catalog.create_product(
            session, OPERATOR, sku="FM-1", price_tiyn=65_000, brand_id=brand.id, name_ru="Молоко"
        )
        campaign = campaigns.create_campaign(
            session,
            OPERATOR,
            CampaignCreate(
                account_id=acct.id,
                name="Milk week",
                daily_budget_tiyn=500_000,
                starts_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            ),
        )
        campaigns.create_ad_group(
            session,
            OPERATOR,
            AdGroupCreate(
                campaign_id=campaign.id,
                name="Listing",
                kind=AdGroupKind.SPONSORED_LISTING,
                bid_tiyn=500,
                product_ids=[product.id],
            ),
        )
        schedule_recompute(session, dt.date(2026, 3, 1), dt.date(2026, 3, 2), "x" * 64, "test")
        campaign_id = campaign.id
    engine.dispose()
    return CliRunner(), campaign_id


def test_lift_prints_the_table_and_recompute_runs_the_scheduled_job(
    runner: tuple[CliRunner, int],
) -> None:
    cli, campaign_id = runner
    span = ["--from", "2026-03-01", "--to", "2026-03-31"]
    shown = cli.invoke(app, ["report", "lift", "--campaign", str(campaign_id), *span, "--cuped"])
    assert shown.exit_code == 0, shown.output
    assert f"Lift of campaign {campaign_id}" in shown.output
    assert "0 / 0" in shown.output  # nobody exposed or held out yet
    assert "fewer than two" in shown.output
    bad = cli.invoke(app, ["report", "lift", "--campaign", "999", *span])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, Exception)
    assert "campaign not found" in str(bad.exception)

    ran = cli.invoke(app, ["report", "recompute"])
    assert ran.exit_code == 0, ran.output
    assert "2026-03-01 – 2026-03-02 done, 0 lines credited" in ran.output
    assert "nothing to recompute" in cli.invoke(app, ["report", "recompute"]).output
