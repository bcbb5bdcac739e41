"""A small retail network for the campaigns tests: catalog, placements, tenants, callers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.catalog.models import (
    Brand,
    Category,
    CategoryMinBid,
    Channel,
    Placement,
    PlacementKind,
    Product,
    Store,
)
from jarnama.tenancy.models import AccountKind, AgencyClient, AuditEntry, Role, Scope
from tests.factories import Caller, account, api_caller, network_admin

STARTS = "2030-01-01T00:00:00+05:00"
ENDS = "2030-12-31T23:59:59+05:00"


@dataclass
class World:
    """Ids and callers of the test network."""

    a_id: int
    b_id: int
    agency_id: int
    a: Caller
    a_analyst: Caller
    a_read_key: Caller
    b: Caller
    b_analyst: Caller
    agency: Caller
    admin: Caller
    milk_a: int
    kefir_a: int
    phone_a: int
    inactive_a: int
    milk_b: int
    unbranded: int
    dairy: int
    milk_category: int
    electronics: int
    store: int


def _product(session: Session, sku: str, brand: Brand | None, category: Category, **kw: Any) -> int:
    product = Product(
        sku=sku,
        brand_id=brand.id if brand else None,
        category_id=category.id,
        name_ru=sku,
        price_tiyn=45_990,
        stock_total=10,
        **kw,
    )
    session.add(product)
    session.flush()
    return product.id


def build_world(session: Session) -> World:
    """Advertisers A and B, an agency acting for A, a catalog and placements, committed."""
    adv_a = account(session, "Lactel KZ")
    adv_b = account(session, "Foodmaster")
    agency = account(session, "Media Agency", AccountKind.AGENCY)
    session.add(AgencyClient(agency_id=agency.id, client_id=adv_a.id))

    dairy = Category(code="dairy", path="dairy", name_ru="Молочные продукты")
    electronics = Category(code="electronics", path="electronics", name_ru="Электроника")
    session.add_all([dairy, electronics])
    session.flush()
    milk = Category(parent_id=dairy.id, code="milk", path="dairy/milk", name_ru="Молоко")
    session.add(milk)
    brand_a = Brand(name="Lactel", owner_account_id=adv_a.id)
    brand_a2 = Brand(name="Lactel Tech", owner_account_id=adv_a.id)
    brand_b = Brand(name="Foodmaster", owner_account_id=adv_b.id)
    session.add_all([brand_a, brand_a2, brand_b])
    session.flush()

    session.add_all(
        [
            Placement(
                code="search-top",
                name="Search results",
                kind=PlacementKind.SEARCH,
                channel=Channel.WEB,
                slots=4,
                min_bid_tiyn=50,
            ),
            Placement(
                code="category-grid",
                name="Category page",
                kind=PlacementKind.CATEGORY,
                channel=Channel.APP,
                slots=4,
                min_bid_tiyn=30,
            ),
            Placement(
                code="home-hero",
                name="Home banner",
                kind=PlacementKind.HOME_BANNER,
                channel=Channel.WEB,
                width=728,
                height=90,
                min_bid_tiyn=1_000,
            ),
            Placement(
                code="home-mobile",
                name="Home banner (app)",
                kind=PlacementKind.HOME_BANNER,
                channel=Channel.APP,
                width=320,
                height=50,
                min_bid_tiyn=800,
            ),
            Placement(
                code="store-screen",
                name="Checkout screen",
                kind=PlacementKind.IN_STORE_SCREEN,
                channel=Channel.IN_STORE,
                width=1920,
                height=1080,
                min_bid_tiyn=500,
            ),
        ]
    )
    store = Store(code="ALA-1", name="Magnum Abay", city="Almaty", lat=43.24, lon=76.91)
    session.add(store)
    session.add(Store(code="AST-1", name="Magnum Mangilik", city="Astana", lat=51.13, lon=71.43))
    session.flush()
    search = session.scalars(select(Placement).where(Placement.code == "search-top")).one()
    session.add(CategoryMinBid(placement_id=search.id, category_id=dairy.id, min_bid_tiyn=120))

    world = World(
        a_id=adv_a.id,
        b_id=adv_b.id,
        agency_id=agency.id,
        a=api_caller(session, account_id=adv_a.id),
        a_analyst=api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=adv_a.id),
        a_read_key=api_caller(session, account_id=adv_a.id, scopes=(Scope.READ,)),
        b=api_caller(session, account_id=adv_b.id),
        b_analyst=api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=adv_b.id),
        agency=api_caller(session, account_id=agency.id),
        admin=network_admin(session),
        milk_a=_product(session, "LACTEL-MILK-1L", brand_a, milk),
        kefir_a=_product(session, "LACTEL-KEFIR", brand_a, dairy),
        phone_a=_product(session, "LACTEL-PHONE", brand_a2, electronics),
        inactive_a=_product(session, "LACTEL-OLD", brand_a, milk, active=False),
        milk_b=_product(session, "FM-MILK-1L", brand_b, milk),
        unbranded=_product(session, "NONAME-MILK", None, milk),
        dairy=dairy.id,
        milk_category=milk.id,
        electronics=electronics.id,
        store=store.id,
    )
    session.commit()
    return world


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """A valid campaign request body."""
    return {
        "name": "Сүт апталығы",
        "daily_budget_tiyn": 500_000,
        "total_budget_tiyn": 10_000_000,
        "starts_at": STARTS,
        "ends_at": ENDS,
        **overrides,
    }


def create_campaign(client: TestClient, caller: Caller, **overrides: Any) -> dict[str, Any]:
    """Create a campaign through the API and return it."""
    response = client.post(
        "/api/v1/campaigns", json=campaign_body(**overrides), headers=caller.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def listing_body(campaign_id: int, product_id: int, **overrides: Any) -> dict[str, Any]:
    """A valid sponsored listing ad group request body."""
    return {
        "campaign_id": campaign_id,
        "name": "Milk on search",
        "kind": "sponsored_listing",
        "bid_tiyn": 150,
        "product_ids": [product_id],
        "keywords": [{"text": "молоко", "match": "broad"}, {"text": "сүт", "match": "phrase"}],
        **overrides,
    }


def create_ad_group(client: TestClient, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
    """Create an ad group through the API and return it."""
    response = client.post("/api/v1/ad-groups", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def banner_group(client: TestClient, caller: Caller, campaign_id: int) -> dict[str, Any]:
    """A banner ad group on the home page placements."""
    return create_ad_group(
        client,
        caller,
        {"campaign_id": campaign_id, "name": "Home banner", "kind": "banner", "bid_tiyn": 1_500},
    )


def create_creative(
    client: TestClient, caller: Caller, ad_group_id: int, **overrides: Any
) -> dict[str, Any]:
    """A 728x90 banner creative created through the API."""
    body = {
        "ad_group_id": ad_group_id,
        "name": "Milk week 728",
        "asset_url": "https://cdn.example.kz/milk-728x90.png",
        "width": 728,
        "height": 90,
        "landing_url": "https://magnum.kz/milk",
        **overrides,
    }
    response = client.post("/api/v1/creatives", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def audit_entries(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    """Audit entries about one object, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        )
    )


def audit_total(session: Session) -> int:
    """How many audit entries exist."""
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def error_of(response: Any) -> tuple[int, str | None, str]:
    """Status, field and detail of an error response."""
    body = response.json()
    return response.status_code, body.get("field"), body.get("detail", "")


def in_days(days: int) -> str:
    """An ISO instant `days` from now (UTC)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()
