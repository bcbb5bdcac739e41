"""Seeding the demo network into the test database (SQLite and PostgreSQL) and calling the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from jarnama.campaigns.models import (
    AdGroup,
    AdGroupKind,
    Campaign,
    CampaignStatus,
    Creative,
    CreativeStatus,
    PacingMode,
)
from jarnama.catalog.models import (
    Brand,
    Category,
    CategoryMinBid,
    Placement,
    Product,
    ProductStock,
    Store,
)
from jarnama.config import Settings
from jarnama.core.db import Base
from jarnama.core.errors import Conflict
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.demo.categories import CATEGORIES
from jarnama.demo.dataset import generate_products
from jarnama.demo.examples import ApiExample, decision_examples, demo_examples
from jarnama.demo.network import CATEGORY_MIN_BIDS, PLACEMENTS, STORES
from jarnama.demo.seed import DemoNetwork, seed_demo
from jarnama.demo.suppliers import SUPPLIERS
from jarnama.tenancy.models import Account, AccountKind, AgencyClient, AuditEntry

ADMIN_KEY = "jk_demoadmin_0123456789abcdefghij"
ADVERTISER_KEY = "jk_demofoodmaster_0123456789abcdefghij"


SMALL_CATALOG = 1_500


def _fixed_keys(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "demo_admin_key": SecretStr(ADMIN_KEY),
            "demo_advertiser_key": SecretStr(ADVERTISER_KEY),
        }
    )


@pytest.fixture
def seeded(session: Session, settings: Settings) -> DemoNetwork:
    """A small demo network with fixed keys, committed so the app sees it."""
    result = seed_demo(session, _fixed_keys(settings), products=SMALL_CATALOG)
    session.commit()
    return result


def _count(session: Session, model: type[Base], *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_seed_creates_the_whole_network(session: Session, settings: Settings) -> None:
    """The full demo (20,000 products; 3,000 on PostgreSQL to keep the suite fast)."""
    size = 20_000 if session.get_bind().dialect.name == "sqlite" else 3_000
    seeded = seed_demo(session, _fixed_keys(settings), products=size)
    assert seeded.products == size
    assert _count(session, Product) == seeded.products
    assert _count(session, Category) == len(CATEGORIES)
    assert _count(session, Store) == len(STORES) == 50
    assert _count(session, Placement) == len(PLACEMENTS)
    assert _count(session, CategoryMinBid) == len(CATEGORY_MIN_BIDS)
    assert _count(session, Brand) == seeded.brands
    advertisers = session.scalars(
        select(Account).where(Account.kind == AccountKind.ADVERTISER)
    ).all()
    assert len(advertisers) == len(SUPPLIERS)
    assert _count(session, AgencyClient) >= 3
    milk = session.scalars(select(Category).where(Category.path == "dairy/milk")).one()
    assert (milk.name_kk, milk.name_ru, milk.name_en) == ("Сүт", "Молоко", "Milk")
    food_master = session.scalars(select(Brand).where(Brand.name == "Food Master")).one()
    assert food_master.owner_account_id == seeded.advertiser_account_id
    assert seeded.timings["import"] > 0


def test_prices_are_integer_tiyn_and_stock_adds_up(session: Session, seeded: DemoNetwork) -> None:
    """Imported prices are positive integer tiyn equal to the generated tenge; stock sums match."""
    expected = {
        row["sku"]: int(row["price"].replace(".", ""))
        for row in generate_products(count=seeded.products)
    }
    prices = {sku: tiyn for sku, tiyn in session.execute(select(Product.sku, Product.price_tiyn))}
    assert prices == expected
    assert all(isinstance(tiyn, int) and tiyn > 0 for tiyn in prices.values())
    per_store = select(ProductStock.product_id, func.sum(ProductStock.quantity)).group_by(
        ProductStock.product_id
    )
    sums = {product_id: total for product_id, total in session.execute(per_store)}
    assert sums
    stock = select(Product.id, Product.stock_total).where(Product.id.in_(sums))
    totals = {product_id: total for product_id, total in session.execute(stock)}
    assert totals == sums
    assert _count(session, Product, Product.active.is_(False)) > 0


def test_fixed_keys_are_used_and_work(client: TestClient, seeded: DemoNetwork) -> None:
    """JARNAMA_DEMO_*_KEY fix the keys; the admin is a network admin, the other Food Master."""
    assert seeded.admin_key == ADMIN_KEY
    assert seeded.advertiser_key == ADVERTISER_KEY
    admin = client.get("/api/v1/me", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert admin.status_code == 200
    assert admin.json()["role"] == "network_admin"
    advertiser = client.get("/api/v1/me", headers={"Authorization": f"Bearer {ADVERTISER_KEY}"})
    assert advertiser.status_code == 200
    assert advertiser.json()["account_id"] == seeded.advertiser_account_id


def test_advertiser_key_sees_only_its_brands(
    session: Session, client: TestClient, seeded: DemoNetwork
) -> None:
    """Food Master's key lists only Food Master products; another brand's product is a 404."""
    headers = {"Authorization": f"Bearer {ADVERTISER_KEY}"}
    own_brand = session.scalars(select(Brand.id).where(Brand.name == "Food Master")).one()
    page = client.get("/api/v1/catalog/products", params={"limit": 200}, headers=headers)
    assert page.status_code == 200
    items = page.json()["items"]
    assert items
    assert {item["brand_id"] for item in items} == {own_brand}
    own_total = _count(session, Product, Product.brand_id == own_brand)
    seen = len(items)
    cursor = page.json()["next_cursor"]
    while cursor:
        more = client.get(
            "/api/v1/catalog/products", params={"limit": 200, "cursor": cursor}, headers=headers
        ).json()
        assert {item["brand_id"] for item in more["items"]} <= {own_brand}
        seen += len(more["items"])
        cursor = more["next_cursor"]
    assert seen == own_total
    foreign = session.scalars(
        select(Product.id).where(Product.brand_id != own_brand).limit(1)
    ).one()
    assert client.get(f"/api/v1/catalog/products/{foreign}", headers=headers).status_code == 404
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    assert client.get(f"/api/v1/catalog/products/{foreign}", headers=admin).status_code == 200


def _call(client: TestClient, example: ApiExample) -> Response:
    """Make the example's request through the app, as its curl command does."""
    headers = {} if example.token is None else {"Authorization": f"Bearer {example.token}"}
    url = example.path + ("?" + urlencode(example.params) if example.params else "")
    if example.method == "POST":
        return client.post(url, json=example.body, headers=headers)
    return client.get(url, headers=headers)


def _winners(body: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Winners per placement (native decisions) or per auction (Topsort /v2/auctions)."""
    if "results" in body:
        return [result["winners"] for result in body["results"]]
    return [placement["winners"] for placement in body["placements"]]


def test_printed_examples_answer(app: FastAPI, client: TestClient, seeded: DemoNetwork) -> None:
    """Every curl example the demo prints answers (with results where it lists or decides)."""
    runtime: DecisionRuntime = app.state.decision_runtime
    assert runtime.refresh() is True  # the seeded campaigns, as the demo compiles them
    examples = demo_examples(
        seeded.admin_key,
        seeded.advertiser_key,
        "Food Master",
        seeded.candidate_skus,
        transcreation_project_id=seeded.transcreation_project_id,
    )
    assert {example.path for example in examples} >= {
        "/api/v1/decisions",
        "/v2/auctions",
        f"/api/v1/transcreation/projects/{seeded.transcreation_project_id}/compliance",
    }
    for example in examples:
        response = _call(client, example)
        expected = 201 if example.path == "/v2/auctions" else 200
        assert response.status_code == expected, (example.title, response.text)
        body = response.json()
        if isinstance(body, dict) and "items" in body:
            assert body["items"], example.title
        if example.method == "POST":
            # Sponsored products in every placement and auction: the banners included.
            assert all(_winners(body)), (example.title, body)
        if example.follow_click:
            click = body["placements"][0]["winners"][0]["click_url"]
            assert click.startswith("http://127.0.0.1:8000/t/c/")
            tapped = client.get(click.removeprefix("http://127.0.0.1:8000"), follow_redirects=False)
            assert tapped.status_code == 204, tapped.text  # recorded; sponsored: no redirect
        curl = example.curl("http://127.0.0.1:8000")
        assert curl.startswith("curl -s ")
        assert "http://127.0.0.1:8000" + example.path in curl


def test_decision_examples_show_the_seeded_campaigns(
    app: FastAPI, client: TestClient, seeded: DemoNetwork
) -> None:
    """«сүт» brings dairy suppliers' milk; the candidate list wins among its own SKUs only."""
    app.state.decision_runtime.refresh()
    search, candidates, topsort, _click = decision_examples(ADMIN_KEY, seeded.candidate_skus)
    milk = _call(client, search).json()["placements"]
    listings, banner = milk[0]["winners"], milk[1]["winners"]
    assert {w["kind"] for w in listings} == {"product"}
    # Keyword groups bring milk; automatic ones may add products named with it (milk chocolate).
    assert any(w["sku"].startswith("DM-MILK-") for w in listings)
    assert len({w["campaign_id"] for w in listings}) == len(listings)  # one ad per advertiser
    assert banner[0]["kind"] == "banner"
    assert banner[0]["creative"]["width"] == 1200
    chosen = _call(client, candidates).json()["placements"][0]["winners"]
    assert 1 <= len(chosen) <= 2
    assert {w["sku"] for w in chosen} <= set(seeded.candidate_skus)
    auctions = _call(client, topsort).json()["results"]
    assert any(w["id"].startswith("DM-MILK-") for w in auctions[0]["winners"])
    assert [w["rank"] for w in auctions[0]["winners"]] == list(
        range(1, len(auctions[0]["winners"]) + 1)
    )


def test_campaigns_are_seeded_through_the_services(session: Session, seeded: DemoNetwork) -> None:
    """Most suppliers run active campaigns with keyword, category and automatic ad groups."""
    advertising = set(session.scalars(select(Campaign.account_id)).all())
    assert len(advertising) >= len(SUPPLIERS) * 3 // 4
    assert seeded.campaigns == _count(session, Campaign, Campaign.status == CampaignStatus.ACTIVE)
    groups = session.scalars(select(AdGroup)).all()
    assert len(groups) == seeded.ad_groups
    listings = [g for g in groups if g.kind is AdGroupKind.SPONSORED_LISTING]
    matches = {k["match"] for g in listings for k in g.keywords}
    assert matches == {"exact", "phrase", "broad"}
    assert any(g.negative_keywords for g in listings)
    assert any(g.category_ids for g in listings)
    assert any(g.auto_targeting for g in listings)
    texts = {k["text"] for g in listings for k in g.keywords}
    assert {"сүт", "молоко"} <= texts
    kinds = {g.kind for g in groups}
    assert kinds == set(AdGroupKind)
    pacing = {c.pacing for c in session.scalars(select(Campaign))}
    assert PacingMode.EVEN in pacing
    approved = _count(session, Creative, Creative.status == CreativeStatus.APPROVED)
    assert approved >= 3
    assert _count(session, Creative) == seeded.creatives
    for group in groups:
        placements = session.scalars(select(Placement)).all()
        minimum = min(p.min_bid_tiyn for p in placements if p.kind.value in _KINDS[group.kind])
        assert group.bid_tiyn > minimum
    created = _count(session, AuditEntry, AuditEntry.entity == "ad_group")
    assert created == seeded.ad_groups  # every ad group went through the service (audited)


_KINDS = {
    AdGroupKind.SPONSORED_LISTING: {"search", "category", "product_page"},
    AdGroupKind.BANNER: {"home_banner"},
    AdGroupKind.IN_STORE_SCREEN: {"in_store_screen"},
}


def test_seed_refuses_a_database_with_accounts(session: Session, settings: Settings) -> None:
    """Seeding twice into one database is refused, not half-applied."""
    seed_demo(session, settings, products=50)
    with pytest.raises(Conflict):
        seed_demo(session, settings, products=50)
