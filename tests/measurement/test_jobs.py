"""Report jobs over HTTP: create → poll → download, scoped to the supplier, and their failures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from jarnama.app import create_app
from jarnama.campaigns import service as campaigns
from jarnama.campaigns.models import AdGroupKind
from jarnama.campaigns.schemas import AdGroupCreate, CampaignCreate
from jarnama.catalog import service as catalog
from jarnama.config import Settings
from jarnama.measurement import jobs
from jarnama.measurement.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH
from jarnama.measurement.models import ReportJob, ReportStatus
from jarnama.tenancy.models import Role, Scope
from jarnama.tenancy.principal import Principal
from jarnama.tracking import events as ev
from jarnama.tracking.log import SegmentLog
from tests import factories
from tests.factories import Caller

OPERATOR = Principal("test", Role.NETWORK_ADMIN, None, frozenset(s.value for s in Scope))
DAY = dt.date(2026, 3, 2)
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Supplier:
    """One advertiser with a campaign promoting one product, and its key."""

    account_id: int
    campaign_id: int
    ad_group_id: int
    product_id: int
    sku: str
    caller: Caller


def _supplier(session: Session, name: str) -> Supplier:
    acct = factories.account(session, name)
    brand = catalog.create_brand(session, OPERATOR, name=f"{name} brand", owner_account_id=acct.id)
    product = catalog.create_product(
        session, OPERATOR, sku=f"SKU-{name}", price_tiyn=99_900, brand_id=brand.id, name_ru=name
    )
    campaign = campaigns.create_campaign(
        session,
        OPERATOR,
        CampaignCreate(
            account_id=acct.id,
            name=f"{name} week",
            daily_budget_tiyn=500_000,
            starts_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 3, 31, tzinfo=dt.UTC),
        ),
    )
    group = campaigns.create_ad_group(
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
    caller = factories.api_caller(session, account_id=acct.id)
    return Supplier(acct.id, campaign.id, group.id, product.id, product.sku, caller)


def _shopper_events(s: Supplier, user: str, price: int) -> list[ev.Event]:
    """A view, a click and then a purchase of the advertised SKU by one loyalty user."""
    ad = ev.AdRef(
        bid_id=f"bid-{s.campaign_id}-{user}",
        campaign_id=s.campaign_id,
        ad_group_id=s.ad_group_id,
        account_id=s.account_id,
        placement_id=1,
        product_id=s.product_id,
        price_tiyn=700,
        billing="cpc",
        user_id=user,
    )
    return [
        ev.Impression(id=f"i-{user}", at=AT, ad=ad, visible_percent=100, visible_ms=1500),
        ev.Click(id=f"c-{user}", at=AT + dt.timedelta(seconds=5), ad=ad),
        ev.Purchase(
            id=f"p-{user}",
            at=AT + dt.timedelta(hours=2),
            order_id=f"o-{user}",
            channel="store",
            user_id=user,
            lines=[ev.PurchaseLine(sku=s.sku, quantity=2, unit_price_tiyn=price)],
        ),
    ]


@dataclass(frozen=True)
class Market:
    """Two suppliers whose shoppers bought after clicking, and a network admin."""

    home: Supplier
    rival: Supplier
    admin: Caller


@pytest.fixture
def job_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with report files under the test's directory."""
    measurement = settings.measurement.model_copy(update={"reports_dir": str(tmp_path / "out")})
    return settings.model_copy(update={"measurement": measurement})


@pytest.fixture
def market(session: Session, job_settings: Settings) -> Market:
    """Suppliers in the database, their shoppers' events in the disk log."""
    home, rival = _supplier(session, "Home"), _supplier(session, "Rival")
    admin = factories.network_admin(session)
    session.commit()
    log = SegmentLog(job_settings.events.log_dir)
    events = [*_shopper_events(home, "u-1", 45_000), *_shopper_events(rival, "u-2", 80_000)]
    log.append([ev.encode(e) for e in events])
    log.close()
    return Market(home, rival, admin)


@pytest.fixture
def client(job_settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """An app sharing the test's transaction (no background worker: jobs run by hand)."""
    with TestClient(create_app(job_settings, session_factory=session_factory)) as test_client:
        yield test_client


def _create(client: TestClient, caller: Caller, **body: object) -> dict[str, object]:
    payload = {"kind": "campaign", "since": DAY.isoformat(), "until": DAY.isoformat(), **body}
    response = client.post("/api/v1/reports", json=payload, headers=caller.headers)
    assert response.status_code == 202, response.text
    data: dict[str, object] = response.json()
    return data


def _rows(client: TestClient, caller: Caller, job_id: object) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/reports/{job_id}/download", headers=caller.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_create_poll_download_covers_only_the_suppliers_campaigns(
    client: TestClient,
    market: Market,
    session_factory: sessionmaker[Session],
    job_settings: Settings,
) -> None:
    job = _create(client, market.home.caller)
    assert job["status"] == "queued"
    assert job["account_id"] == market.home.account_id
    assert job["download_url"] is None
    url = f"/api/v1/reports/{job['id']}"
    not_yet = client.get(f"{url}/download", headers=market.home.caller.headers)
    assert not_yet.status_code == 409
    assert not_yet.json()["field"] == "status"

    assert jobs.run_pending(session_factory, job_settings) == 1
    done = client.get(url, headers=market.home.caller.headers).json()
    assert done["status"] == "done", done
    assert done["rows"] == 1
    assert done["download_url"] == f"{url}/download"
    rows = _rows(client, market.home.caller, job["id"])
    assert [int(r["campaign"]) for r in rows] == [market.home.campaign_id]
    row = rows[0]
    assert (row["impressions"], row["viewable_impressions"], row["clicks"]) == ("1", "1", "1")
    assert row["spend_tiyn"] == "700.000"  # one CPC click at 7 ₸
    assert row["sales_sku_tiyn"] == "90000"  # 2 x 450 ₸, the rival's 1,600 ₸ not included
    assert row["sales_tiyn"] == "90000"
    assert (row["units"], row["orders"]) == ("2", "1")
    assert row["new_to_brand_sales_tiyn"] == "90000"
    assert row["ctr"] == "1.0000"
    assert row["roas"] == "128.5714"  # 90,000 / 700
    assert row["acos"] == "0.0078"
    assert row["cpc_tiyn"] == "700.0000"
    assert row["cpm_tiyn"] == "700000.0000"

    # The admin's network-wide job sees both suppliers.
    everyone = _create(client, market.admin, kind="campaign_day", format="parquet")
    assert everyone["account_id"] is None
    jobs.run_pending(session_factory, job_settings)
    response = client.get(
        f"/api/v1/reports/{everyone['id']}/download", headers=market.admin.headers
    )
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    assert table.column_names[:2] == ["day", "campaign"]
    assert sorted(table.column("campaign").to_pylist()) == sorted(
        [market.home.campaign_id, market.rival.campaign_id]
    )


def test_another_tenants_job_is_not_found(
    client: TestClient,
    market: Market,
    session_factory: sessionmaker[Session],
    job_settings: Settings,
) -> None:
    job = _create(client, market.home.caller, kind="day")
    jobs.run_pending(session_factory, job_settings)
    rival = market.rival.caller.headers
    for suffix in ("", "/download", "/chart.png"):
        response = client.get(f"/api/v1/reports/{job['id']}{suffix}", headers=rival)
        assert response.status_code == 404, suffix
        assert response.json()["error"] == "not_found"
    admin_job = _create(client, market.admin)
    assert client.get(f"/api/v1/reports/{admin_job['id']}", headers=rival).status_code == 404
    # Naming another supplier's account or campaign is a 404 too, with the field named.
    foreign_account = client.post(
        "/api/v1/reports",
        json={"kind": "day", "since": "2026-03-01", "until": "2026-03-02",
              "account_id": market.home.account_id},
        headers=rival,
    )  # fmt: skip
    assert foreign_account.status_code == 404
    foreign_campaign = client.post(
        "/api/v1/reports",
        json={"kind": "day", "since": "2026-03-01", "until": "2026-03-02",
              "filters": {"campaign_ids": [market.home.campaign_id]}},
        headers=rival,
    )  # fmt: skip
    assert foreign_campaign.status_code == 404
    assert foreign_campaign.json()["field"] == "campaign_ids"


def test_bad_requests_name_the_field(client: TestClient, market: Market) -> None:
    headers = market.home.caller.headers
    backwards = {"kind": "day", "since": "2026-03-02", "until": "2026-03-01"}
    response = client.post("/api/v1/reports", json=backwards, headers=headers)
    assert response.status_code == 400
    assert response.json()["field"] == "until"
    too_long = {"kind": "day", "since": "2025-01-01", "until": "2026-03-01"}
    response = client.post("/api/v1/reports", json=too_long, headers=headers)
    assert (response.status_code, response.json()["field"]) == (400, "until")
    unknown = {"kind": "brand", "since": "2026-03-01", "until": "2026-03-01"}
    response = client.post("/api/v1/reports", json=unknown, headers=headers)
    assert response.status_code == 422
    assert "kind" in response.text


def test_chart_is_a_png_of_the_daily_series(
    client: TestClient,
    market: Market,
    session_factory: sessionmaker[Session],
    job_settings: Settings,
) -> None:
    headers = market.home.caller.headers
    series = _create(client, market.home.caller, kind="day", since="2026-02-25")
    by_campaign = _create(client, market.home.caller)
    jobs.run_pending(session_factory, job_settings)
    chart = client.get(f"/api/v1/reports/{series['id']}/chart.png", headers=headers)
    assert chart.status_code == 200, chart.text
    assert chart.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(chart.content))
    assert image.size == (WIDTH, HEIGHT)
    # The spend bar's blue and the sales line's amber are drawn (both happened on 2 March).
    plot = image.convert("RGB").crop((LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM))
    colours = {colour for _, colour in plot.getcolors(1 << 20) or []}
    assert {(94, 129, 172), (208, 135, 30)} <= colours
    wrong_kind = client.get(f"/api/v1/reports/{by_campaign['id']}/chart.png", headers=headers)
    assert wrong_kind.status_code == 409
    assert wrong_kind.json()["field"] == "kind"


def test_failed_and_abandoned_jobs(
    client: TestClient,
    market: Market,
    session: Session,
    session_factory: sessionmaker[Session],
    job_settings: Settings,
    tmp_path: Path,
) -> None:
    """A job whose computation raises is failed with the error; a dead worker's is retried."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    broken = job_settings.model_copy(
        update={
            "measurement": job_settings.measurement.model_copy(
                update={"store_dir": str(blocked / "store")}
            )
        }
    )
    job = _create(client, market.home.caller)
    jobs.run_pending(session_factory, broken)
    failed = client.get(f"/api/v1/reports/{job['id']}", headers=market.home.caller.headers).json()
    assert failed["status"] == "failed"
    assert "NotADirectoryError" in failed["error"] or "FileExistsError" in failed["error"]
    gone = client.get(f"/api/v1/reports/{job['id']}/download", headers=market.home.caller.headers)
    assert gone.status_code == 409

    # A worker died after claiming: once the lease ran out the job is claimed again.
    second = _create(client, market.home.caller)
    now = dt.datetime.now(dt.UTC)
    with session_factory() as claiming:
        claimed = jobs.claim(claiming, job_settings, now)
        assert claimed is not None
        assert claimed.id == second["id"]
        claiming.commit()
    with session_factory() as other:
        assert jobs.claim(other, job_settings, now) is None  # leased: nobody else takes it
    later = now + dt.timedelta(seconds=job_settings.measurement.report_lease_seconds + 1)
    assert jobs.run_next(session_factory, job_settings, later) == second["id"]
    session.expire_all()
    retried = session.get(ReportJob, second["id"])
    assert retried is not None
    assert (retried.status, retried.attempts) == (ReportStatus.DONE, 2)

    # Past the attempts bound it is failed instead of being run once more.
    third = _create(client, market.home.caller)
    stuck = session.get(ReportJob, third["id"])
    assert stuck is not None
    stuck.status, stuck.attempts, stuck.lease_until = ReportStatus.RUNNING, jobs.MAX_ATTEMPTS, now
    session.commit()
    assert jobs.run_next(session_factory, job_settings, later) is None
    session.expire_all()
    assert session.get(ReportJob, third["id"]).status is ReportStatus.FAILED  # type: ignore[union-attr]
