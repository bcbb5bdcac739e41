"""Seeding the demo network into a migrated database (the caller owns the transaction)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.catalog.importer import import_products
from jarnama.catalog.models import Brand, Category, CategoryMinBid, Placement, Store
from jarnama.catalog.stock_import import import_stock
from jarnama.config import Settings
from jarnama.core.errors import Conflict
from jarnama.core.time import utcnow
from jarnama.demo.campaigns import seed_campaigns
from jarnama.demo.categories import CATEGORIES
from jarnama.demo.creators import seed_creators
from jarnama.demo.dataset import DEFAULT_PRODUCTS, DEFAULT_SEED, generate_catalog
from jarnama.demo.exchange import DemoExchange, seed_exchange
from jarnama.demo.network import CATEGORY_MIN_BIDS, PLACEMENTS, STORES
from jarnama.demo.suppliers import (
    AGENCY_CLIENTS,
    AGENCY_NAME,
    AGENCY_REF,
    DEMO_ADVERTISER,
    RETAILER_NAME,
    SUPPLIERS,
    brand_owners,
)
from jarnama.demo.transcreation import seed_transcreation
from jarnama.tenancy import audit, service
from jarnama.tenancy.models import Account, AccountKind, Network, Role, Scope

DEMO_ACTOR = "demo"
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class DemoNetwork:
    """What the seed made: the network, the two printed keys, counts and timings (seconds)."""

    network_id: int
    admin_key: str
    advertiser_key: str
    advertiser_account_id: int
    advertiser_name: str
    products: int
    store_stock_rows: int
    accounts: int
    brands: int
    campaigns: int = 0
    ad_groups: int = 0
    creatives: int = 0
    candidate_skus: tuple[str, ...] = ()
    transcreation_project_id: int | None = None
    exchange: DemoExchange | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _record_created(
    session: Session, entity: str, obj: Category | Brand | Store | Placement
) -> None:
    audit.record(
        session, DEMO_ACTOR, "create", entity, obj.id, account_id=None, after=audit.snapshot(obj)
    )


def _ensure_empty(session: Session) -> Network:
    """The network of a fresh database; refuse to seed over an existing network's data."""
    if session.scalar(select(Account.id).limit(1)) is not None:
        raise Conflict("the database already holds accounts: seed the demo into an empty one")
    return service.ensure_network(session, RETAILER_NAME)


def _accounts(session: Session) -> dict[str, Account]:
    """Supplier accounts by ref, and the agency acting for a few of them."""
    accounts = {
        spec.ref: service.create_account(
            session, DEMO_ACTOR, kind=AccountKind.ADVERTISER, name=spec.name, external_ref=spec.ref
        )
        for spec in SUPPLIERS
    }
    agency = service.create_account(
        session, DEMO_ACTOR, kind=AccountKind.AGENCY, name=AGENCY_NAME, external_ref=AGENCY_REF
    )
    for ref in AGENCY_CLIENTS:
        service.add_agency_client(session, DEMO_ACTOR, agency.id, accounts[ref].id)
    accounts[AGENCY_REF] = agency
    return accounts


def _categories(session: Session) -> dict[str, Category]:
    """The category tree, parents first, with Kazakh, Russian and English names."""
    by_path: dict[str, Category] = {}
    for spec in CATEGORIES:
        parent = None if spec.parent_path is None else by_path[spec.parent_path]
        node = Category(
            parent_id=None if parent is None else parent.id,
            code=spec.code,
            path=spec.path,
            name_kk=spec.name_kk,
            name_ru=spec.name_ru,
            name_en=spec.name_en,
        )
        session.add(node)
        session.flush()
        _record_created(session, "category", node)
        by_path[spec.path] = node
    return by_path


def _brands(session: Session, accounts: dict[str, Account]) -> int:
    """Every demo brand with the supplier account that owns it (if any)."""
    created = []
    for name, owner in sorted(brand_owners().items()):
        brand = Brand(name=name, owner_account_id=None if owner is None else accounts[owner].id)
        session.add(brand)
        created.append(brand)
    session.flush()
    for brand in created:
        _record_created(session, "brand", brand)
    return len(created)


def _stores_and_placements(session: Session, categories: dict[str, Category]) -> None:
    """The stores in Almaty and Astana, the ad placements and per-category minimum bids."""
    rows: list[Store | Placement] = [
        Store(code=s.code, name=s.name, city=s.city, address=s.address, lat=s.lat, lon=s.lon)
        for s in STORES
    ]
    rows += [
        Placement(
            code=p.code,
            name=p.name,
            kind=p.kind,
            channel=p.channel,
            slots=p.slots,
            width=p.width,
            height=p.height,
            min_bid_tiyn=p.min_bid_tiyn,
        )
        for p in PLACEMENTS
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        _record_created(session, "store" if isinstance(row, Store) else "placement", row)
    placements = {row.code: row for row in rows if isinstance(row, Placement)}
    by_code = {node.code: node for node in categories.values()}
    for placement_code, category_code, tiyn in CATEGORY_MIN_BIDS:
        bid = CategoryMinBid(
            placement_id=placements[placement_code].id,
            category_id=by_code[category_code].id,
            min_bid_tiyn=tiyn,
        )
        session.add(bid)
        session.flush()
        audit.record(
            session,
            DEMO_ACTOR,
            "create",
            "category_min_bid",
            f"{bid.placement_id}:{bid.category_id}",
            account_id=None,
            after=audit.snapshot(bid),
        )


def _secret(value: SecretStr | None) -> str | None:
    return (value.get_secret_value() or None) if value is not None else None


def seed_demo(
    session: Session,
    settings: Settings,
    *,
    products: int = DEFAULT_PRODUCTS,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> DemoNetwork:
    """Seed the demo retailer into an empty, migrated database; flushes, never commits."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    network = _ensure_empty(session)
    accounts = _accounts(session)
    categories = _categories(session)
    brand_count = _brands(session, accounts)
    _stores_and_placements(session, categories)
    timings["network"] = time.perf_counter() - started

    mark = time.perf_counter()
    catalog = generate_catalog(seed, products)
    timings["generate"] = time.perf_counter() - mark

    mark = time.perf_counter()
    report = import_products(
        session, catalog.products, actor=DEMO_ACTOR, progress=progress, source="demo catalog"
    )
    if not report.applied:
        raise RuntimeError(f"the demo catalog did not import: {report.errors[:5]}")
    stock = import_stock(session, catalog.store_stock, actor=DEMO_ACTOR, source="demo stock")
    if not stock.applied:
        raise RuntimeError(f"the demo store stock did not import: {stock.errors[:5]}")
    timings["import"] = time.perf_counter() - mark

    mark = time.perf_counter()
    running = seed_campaigns(session, accounts, utcnow(), seed=seed)
    timings["campaigns"] = time.perf_counter() - mark
    studio = seed_transcreation(session, accounts[DEMO_ADVERTISER])  # Kazakh studio project
    seed_creators(session, settings, accounts[DEMO_ADVERTISER])  # CPA creators and conversions
    screens = seed_exchange(session)  # DOOH screens in Almaty and their players' key

    advertiser = accounts[DEMO_ADVERTISER]
    _admin, admin_key = service.create_api_key(
        session,
        DEMO_ACTOR,
        name="demo network admin",
        role=Role.NETWORK_ADMIN,
        account_id=None,
        scopes=tuple(Scope),
        plaintext=_secret(settings.demo_admin_key),
    )
    _adv, advertiser_key = service.create_api_key(
        session,
        DEMO_ACTOR,
        name=f"demo {advertiser.name}",
        role=Role.ACCOUNT_ADMIN,
        account_id=advertiser.id,
        scopes=(Scope.READ, Scope.MANAGE),
        plaintext=_secret(settings.demo_advertiser_key),
    )
    session.flush()
    timings["total"] = time.perf_counter() - started
    return DemoNetwork(
        network_id=network.id,
        admin_key=admin_key,
        advertiser_key=advertiser_key,
        advertiser_account_id=advertiser.id,
        advertiser_name=advertiser.name,
        products=report.created + report.updated + report.unchanged,
        store_stock_rows=stock.created,
        accounts=len(accounts),
        brands=brand_count,
        campaigns=running.campaigns,
        ad_groups=running.ad_groups,
        creatives=running.creatives,
        candidate_skus=running.candidate_skus,
        transcreation_project_id=studio.project_id,
        exchange=screens,
        timings=timings,
    )
