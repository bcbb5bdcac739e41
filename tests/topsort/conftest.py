"""Fixtures of the Topsort tests: the campaigns test world with the spec's products live."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.catalog.models import Brand, Category, Product
from jarnama.config import Settings, TopsortSettings
from jarnama.decisioning.runtime import DecisionRuntime
from jarnama.tenancy.models import Role, Scope
from tests.campaigns.helpers import (
    banner_group,
    build_world,
    create_ad_group,
    create_campaign,
    create_creative,
)
from tests.factories import Caller, api_caller
from tests.topsort.live import SPEC_SKUS, Network


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test network's placement codes for Topsort's listings and banner auctions."""
    return settings.model_copy(
        update={
            "topsort": TopsortSettings(
                listings_default="search-top",
                listings_search="search-top",
                listings_category="category-grid",
                listings_product_page="search-top",
                banner_slots={"categories-ribbon-banner": "home-hero"},
            )
        }
    )


def _runtime(app: FastAPI) -> DecisionRuntime:
    runtime: DecisionRuntime = app.state.decision_runtime
    return runtime


def _activate(client: TestClient, caller: Caller, campaign_id: int) -> None:
    response = client.post(
        f"/api/v1/campaigns/{campaign_id}/status", json={"status": "active"}, headers=caller.headers
    )
    assert response.status_code == 200, response.text


def _live_listing(client: TestClient, caller: Caller, product_ids: list[int], bid: int) -> int:
    campaign = create_campaign(client, caller, starts_at="2020-01-01T00:00:00+05:00", pacing="asap")
    body = {
        "campaign_id": campaign["id"],
        "name": "Spec products",
        "kind": "sponsored_listing",
        "bid_tiyn": bid,
        "product_ids": product_ids,
        "keywords": [{"text": "молоко", "match": "broad"}],
        "auto_targeting": True,
    }
    create_ad_group(client, caller, body)
    _activate(client, caller, campaign["id"])
    campaign_id: int = campaign["id"]
    return campaign_id


@pytest.fixture
def network(client: TestClient, session: Session, app: FastAPI) -> Network:
    """Advertiser A promotes two spec products, B the other two; A runs a home banner too."""
    world = build_world(session)
    milk = session.scalars(select(Category).where(Category.path == "dairy/milk")).one()
    brands = {b.owner_account_id: b.id for b in session.scalars(select(Brand))}
    products: dict[str, int] = {}
    for index, sku in enumerate(SPEC_SKUS):
        owner = world.a_id if index % 2 == 0 else world.b_id
        product = Product(
            sku=sku,
            brand_id=brands[owner],
            category_id=milk.id,
            name_ru=f"Молоко {sku}",
            price_tiyn=45_990,
            stock_total=10,
        )
        session.add(product)
        session.flush()
        products[sku] = product.id
    session.commit()
    _live_listing(client, world.a, [products["p_PJbnN"], products["p_8VKDt"]], bid=300)
    _live_listing(client, world.b, [products["p_ojng4"], products["p_Mfk15"]], bid=200)
    campaign = create_campaign(
        client, world.a, starts_at="2020-01-01T00:00:00+05:00", pacing="asap"
    )
    group = banner_group(client, world.a, campaign["id"])
    creative = create_creative(client, world.a, group["id"])
    approved = client.post(
        f"/api/v1/creatives/{creative['id']}/approve", headers=world.admin.headers
    )
    assert approved.status_code == 200, approved.text
    _activate(client, world.a, campaign["id"])
    retailer = api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.AUCTIONS, Scope.EVENTS))
    _runtime(app).refresh(force=True)
    return Network(world, retailer, products)
