"""SQL of the catalog domain: lookups for the API, and set-based statements for bulk imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, Table, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jarnama.catalog.models import (
    Brand,
    Category,
    CategoryMinBid,
    Channel,
    Placement,
    PlacementKind,
    Product,
    ProductStock,
    Store,
)
from jarnama.tenancy.models import Account

PRODUCTS: Table = Product.__table__  # type: ignore[assignment]
BRANDS: Table = Brand.__table__  # type: ignore[assignment]
CATEGORIES: Table = Category.__table__  # type: ignore[assignment]
STOCK: Table = ProductStock.__table__  # type: ignore[assignment]

# The product columns an import compares and writes, in this order (after `id`).
PRODUCT_FIELDS = (
    "gtin",
    "brand_id",
    "category_id",
    "name_kk",
    "name_ru",
    "name_en",
    "price_tiyn",
    "stock_total",
    "active",
)


# --- categories -----------------------------------------------------------------------------


def category_by_id(session: Session, category_id: int) -> Category | None:
    """A category by id."""
    return session.get(Category, category_id)


def category_by_path(session: Session, path: str) -> Category | None:
    """A category by its slash-joined path."""
    return session.scalars(select(Category).where(Category.path == path)).one_or_none()


def categories_query(*, parent_id: int | None, roots_only: bool) -> Select[Any]:
    """Categories, optionally the children of one node or the roots."""
    stmt = select(Category)
    if parent_id is not None:
        stmt = stmt.where(Category.parent_id == parent_id)
    elif roots_only:
        stmt = stmt.where(Category.parent_id.is_(None))
    return stmt


def subtree_ids(category: Category) -> Select[Any]:
    """Ids of a category and every category below it."""
    return select(Category.id).where(
        or_(Category.path == category.path, Category.path.startswith(category.path + "/"))
    )


# --- brands -----------------------------------------------------------------------------------


def brand_by_id(session: Session, brand_id: int) -> Brand | None:
    """A brand by id."""
    return session.get(Brand, brand_id)


def brand_by_name(session: Session, name: str) -> Brand | None:
    """A brand by its exact name."""
    return session.scalars(select(Brand).where(Brand.name == name)).one_or_none()


def brands_query(*, owner_ids: Collection[int] | None, owner_account_id: int | None) -> Select[Any]:
    """Brands, limited to those owned by `owner_ids` unless it is None (network admin)."""
    stmt = select(Brand)
    if owner_ids is not None:
        stmt = stmt.where(Brand.owner_account_id.in_(sorted(owner_ids)))
    if owner_account_id is not None:
        stmt = stmt.where(Brand.owner_account_id == owner_account_id)
    return stmt


def account_by_id(session: Session, account_id: int) -> Account | None:
    """A tenant account by id (to check a brand owner)."""
    return session.get(Account, account_id)


# --- products ---------------------------------------------------------------------------------


def product_by_id(session: Session, product_id: int) -> Product | None:
    """A product by id."""
    return session.get(Product, product_id)


def product_by_sku(session: Session, sku: str) -> Product | None:
    """A product by SKU."""
    return session.scalars(select(Product).where(Product.sku == sku)).one_or_none()


def brand_owner_of(session: Session, product: Product) -> int | None:
    """The account owning the product's brand (None when unbranded or unowned)."""
    if product.brand_id is None:
        return None
    return session.scalar(select(Brand.owner_account_id).where(Brand.id == product.brand_id))


def products_query(
    *,
    owner_ids: Collection[int] | None,
    q: str | None,
    brand_id: int | None,
    category: Category | None,
    active: bool | None,
) -> Select[Any]:
    """Products matching the filters; limited to brands of `owner_ids` unless it is None."""
    stmt = select(Product)
    if owner_ids is not None:
        owned = select(Brand.id).where(Brand.owner_account_id.in_(sorted(owner_ids)))
        stmt = stmt.where(Product.brand_id.in_(owned))
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # Case-insensitive in every script: core/db.py gives SQLite a Unicode lower().
        patterns = {f"%{escaped.lower()}%"}
        stmt = stmt.where(
            or_(
                Product.gtin == q,
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (Product.sku, Product.name_kk, Product.name_ru, Product.name_en)
                    for pattern in patterns
                ),
            )
        )
    if brand_id is not None:
        stmt = stmt.where(Product.brand_id == brand_id)
    if category is not None:
        stmt = stmt.where(Product.category_id.in_(subtree_ids(category)))
    if active is not None:
        stmt = stmt.where(Product.active.is_(active))
    return stmt


def stock_of_product(session: Session, product_id: int) -> list[tuple[ProductStock, Store]]:
    """Per-store stock rows of one product, with their stores, by store id."""
    rows = session.execute(
        select(ProductStock, Store)
        .join(Store, Store.id == ProductStock.store_id)
        .where(ProductStock.product_id == product_id)
        .order_by(Store.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def stock_entry(session: Session, product_id: int, store_id: int) -> ProductStock | None:
    """The stock of one product in one store."""
    return session.get(ProductStock, (product_id, store_id))


def recompute_stock_totals(session: Session, product_ids: Sequence[int]) -> None:
    """Set each product's `stock_total` to the sum of its per-store stock."""
    for start in range(0, len(product_ids), 5000):
        chunk = list(product_ids[start : start + 5000])
        total = (
            select(func.coalesce(func.sum(STOCK.c.quantity), 0))
            .where(STOCK.c.product_id == PRODUCTS.c.id)
            .scalar_subquery()
        )
        session.execute(
            update(PRODUCTS).where(PRODUCTS.c.id.in_(chunk)).values(stock_total=total),
            execution_options={"synchronize_session": False},
        )


# --- stores -----------------------------------------------------------------------------------


def store_by_id(session: Session, store_id: int) -> Store | None:
    """A store by id."""
    return session.get(Store, store_id)


def store_by_code(session: Session, code: str) -> Store | None:
    """A store by its code."""
    return session.scalars(select(Store).where(Store.code == code)).one_or_none()


def stores_query(*, city: str | None, active: bool | None) -> Select[Any]:
    """Stores, optionally of one city or activity."""
    stmt = select(Store)
    if city:
        stmt = stmt.where(Store.city == city)
    if active is not None:
        stmt = stmt.where(Store.active.is_(active))
    return stmt


# --- placements and minimum bids --------------------------------------------------------------


def placement_by_id(session: Session, placement_id: int) -> Placement | None:
    """A placement by id."""
    return session.get(Placement, placement_id)


def placement_by_code(session: Session, code: str) -> Placement | None:
    """A placement by its code."""
    return session.scalars(select(Placement).where(Placement.code == code)).one_or_none()


def placements_query(*, kind: PlacementKind | None, channel: Channel | None) -> Select[Any]:
    """Placements, optionally of one kind or channel."""
    stmt = select(Placement)
    if kind is not None:
        stmt = stmt.where(Placement.kind == kind)
    if channel is not None:
        stmt = stmt.where(Placement.channel == channel)
    return stmt


def category_min_bid(
    session: Session, placement_id: int, category_id: int
) -> CategoryMinBid | None:
    """The minimum bid of a placement in one category."""
    return session.get(CategoryMinBid, (placement_id, category_id))


def category_min_bids(session: Session, placement_id: int) -> list[CategoryMinBid]:
    """Every per-category minimum bid of a placement, by category id."""
    return list(
        session.scalars(
            select(CategoryMinBid)
            .where(CategoryMinBid.placement_id == placement_id)
            .order_by(CategoryMinBid.category_id)
        )
    )


def min_bids_on_paths(session: Session, placement_id: int, paths: Sequence[str]) -> dict[str, int]:
    """Minimum bids of a placement set on any of these category paths, by path."""
    rows = session.execute(
        select(Category.path, CategoryMinBid.min_bid_tiyn)
        .join(Category, Category.id == CategoryMinBid.category_id)
        .where(CategoryMinBid.placement_id == placement_id, Category.path.in_(list(paths)))
    ).all()
    return {path: bid for path, bid in rows}


def delete_category_min_bid(session: Session, placement_id: int, category_id: int) -> None:
    """Remove a per-category minimum bid."""
    session.execute(
        delete(CategoryMinBid).where(
            CategoryMinBid.placement_id == placement_id,
            CategoryMinBid.category_id == category_id,
        )
    )


# --- bulk import (Core, no ORM objects) -------------------------------------------------------


def _dialect_insert(session: Session, table: Table) -> Any:
    """The dialect's INSERT construct, which knows `ON CONFLICT … DO UPDATE`."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"bulk upsert is not implemented for {dialect}")


def brand_ids_by_name(session: Session) -> dict[str, int]:
    """Every brand's id by name (brands number in the thousands, not millions)."""
    return {name: brand_id for brand_id, name in session.execute(select(Brand.id, Brand.name))}


def category_ids_by_path(session: Session) -> dict[str, int]:
    """Every category's id by path."""
    return {path: cid for cid, path in session.execute(select(Category.id, Category.path))}


def store_ids_by_code(session: Session) -> dict[str, int]:
    """Every store's id by code."""
    return {code: sid for sid, code in session.execute(select(Store.id, Store.code))}


def insert_brands(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Create brands with these names (no owner yet); their ids by name."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    session.execute(BRANDS.insert(), [{"name": name} for name in wanted])
    rows = session.execute(select(Brand.id, Brand.name).where(Brand.name.in_(wanted)))
    return {name: brand_id for brand_id, name in rows}


def insert_category(session: Session, *, code: str, path: str, parent_id: int | None) -> int:
    """Create one category node; its id."""
    result = session.execute(
        CATEGORIES.insert()
        .values(code=code, path=path, parent_id=parent_id, name_kk="", name_ru="", name_en="")
        .returning(CATEGORIES.c.id)
    )
    return int(result.scalar_one())


def has_products(session: Session) -> bool:
    """True when at least one product exists."""
    return session.scalar(select(PRODUCTS.c.id).limit(1)) is not None


def products_by_sku(session: Session, skus: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Existing products among `skus`: sku -> (id, *PRODUCT_FIELDS)."""
    columns = [PRODUCTS.c.sku, PRODUCTS.c.id, *(PRODUCTS.c[name] for name in PRODUCT_FIELDS)]
    rows = session.execute(select(*columns).where(PRODUCTS.c.sku.in_(list(skus))))
    return {row[0]: tuple(row[1:]) for row in rows}


PRODUCT_WRITE_COLUMNS = ("sku", *PRODUCT_FIELDS, "created_at", "updated_at")


def _timestamp_param(session: Session, value: dt.datetime) -> Any:
    """`value` as the driver receives it for a UTCDateTime column (converted once per batch)."""
    dialect = session.get_bind().dialect
    column_type = PRODUCTS.c.updated_at.type
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    return value if processor is None else processor(value)


def write_products(
    session: Session,
    new: Sequence[tuple[Any, ...]],
    changed: Sequence[tuple[Any, ...]],
    now: dt.datetime,
) -> None:
    """Insert new products and `INSERT … ON CONFLICT (sku) DO UPDATE` changed ones.

    Rows are `(sku, *PRODUCT_FIELDS)` tuples. On SQLite the statements are compiled from the
    dialect's Core constructs once per batch and run with the driver's executemany over
    tuples: SQLAlchemy's per-row parameter processing cost ~8 µs a row, as much as SQLite's
    own work. New rows take a plain INSERT there, because an upsert with foreign keys on costs
    SQLite twice as much (10 vs 5 µs a row); no other writer can slip the same SKU in between
    (SQLite has one writer, and a stale snapshot cannot write). On PostgreSQL every row goes
    through the upsert (concurrent imports may race) via SQLAlchemy's batched multi-row
    VALUES, which beats a per-row executemany there.
    """
    if not new and not changed:
        return
    dialect = session.get_bind().dialect.name
    stmt = _dialect_insert(session, PRODUCTS)
    upsert = stmt.on_conflict_do_update(
        index_elements=[PRODUCTS.c.sku],
        set_={name: stmt.excluded[name] for name in (*PRODUCT_FIELDS, "updated_at")},
    )
    if dialect != "sqlite":
        stamp = {"created_at": now, "updated_at": now}
        rows = [{**dict(zip(PRODUCT_WRITE_COLUMNS, row, strict=False)), **stamp} for row in new]
        rows += [{**dict(zip(PRODUCT_WRITE_COLUMNS, r, strict=False)), **stamp} for r in changed]
        session.execute(upsert, rows)
        return
    stamp_param = _timestamp_param(session, now)
    connection = session.connection()
    for statement, batch in ((PRODUCTS.insert(), new), (upsert, changed)):
        if not batch:
            continue
        compiled = statement.compile(dialect=connection.dialect, column_keys=PRODUCT_WRITE_COLUMNS)
        if tuple(compiled.positiontup or ()) != PRODUCT_WRITE_COLUMNS:
            raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")
        connection.exec_driver_sql(
            str(compiled), [(*row, stamp_param, stamp_param) for row in batch]
        )


def product_ids_by_sku(session: Session, skus: Sequence[str]) -> dict[str, int]:
    """Ids of the products among `skus` that exist."""
    rows = session.execute(select(Product.sku, Product.id).where(Product.sku.in_(list(skus))))
    return {sku: product_id for sku, product_id in rows}


def stock_quantities(session: Session, product_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """Per-store quantities of these products: (product_id, store_id) -> quantity."""
    rows = session.execute(
        select(STOCK.c.product_id, STOCK.c.store_id, STOCK.c.quantity).where(
            STOCK.c.product_id.in_(list(product_ids))
        )
    )
    return {(pid, sid): quantity for pid, sid, quantity in rows}


def upsert_stock(session: Session, rows: Sequence[Mapping[str, int]]) -> None:
    """`INSERT … ON CONFLICT (product_id, store_id) DO UPDATE` per-store quantities."""
    if not rows:
        return
    stmt = _dialect_insert(session, STOCK)
    stmt = stmt.on_conflict_do_update(
        index_elements=[STOCK.c.product_id, STOCK.c.store_id],
        set_={"quantity": stmt.excluded.quantity},
    )
    session.execute(stmt, list(rows))
