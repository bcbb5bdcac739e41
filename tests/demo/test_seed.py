"""Seeding the demo network into the test database (SQLite and PostgreSQL) and calling the API."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

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
from jarnama.demo.categories import CATEGORIES
from jarnama.demo.dataset import generate_products
from jarnama.demo.examples import demo_examples
from jarnama.demo.network import CATEGORY_MIN_BIDS, PLACEMENTS, STORES
from jarnama.demo.seed import DemoNetwork, seed_demo
from jarnama.demo.suppliers import SUPPLIERS
from jarnama.tenancy.models import Account, AccountKind, AgencyClient

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


def test_printed_examples_answer(client: TestClient, seeded: DemoNetwork) -> None:
    """Every curl example the demo prints answers 200 (with results where it lists things)."""
    for example in demo_examples(seeded.admin_key, seeded.advertiser_key, "Food Master"):
        headers = {} if example.token is None else {"Authorization": f"Bearer {example.token}"}
        url = example.path + ("?" + urlencode(example.params) if example.params else "")
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (example.title, response.text)
        body = response.json()
        if isinstance(body, dict) and "items" in body:
            assert body["items"], example.title
        curl = example.curl("http://127.0.0.1:8000")
        assert curl.startswith("curl -s ")
        assert "http://127.0.0.1:8000" + example.path in curl


def test_seed_refuses_a_database_with_accounts(session: Session, settings: Settings) -> None:
    """Seeding twice into one database is refused, not half-applied."""
    seed_demo(session, settings, products=50)
    with pytest.raises(Conflict):
        seed_demo(session, settings, products=50)
