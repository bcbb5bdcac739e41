"""Catalog operations: the retailer's categories, brands, products, stores and placements.

The catalog belongs to the network: only network admins (with the `manage` scope) write
it. Advertisers, and agencies acting for them, read the brands they own and those brands'
products; any other product or brand answers 404. Stores, categories and placements are
published to every authenticated caller. Every write records an audit entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jarnama.catalog import repository
from jarnama.catalog.fields import gtin_problem
from jarnama.catalog.models import (
    Brand,
    Category,
    Product,
    ProductStock,
    Store,
)
from jarnama.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind, Scope
from jarnama.tenancy.principal import Principal


def ensure_reader(principal: Principal) -> None:
    """Raise 403 unless the credential may read management data (`read` or `manage`)."""
    if not principal.scopes & {Scope.READ.value, Scope.MANAGE.value}:
        raise Forbidden("this credential lacks the 'read' scope")


def ensure_catalog_writer(principal: Principal) -> None:
    """Raise 403 unless the caller is a network admin allowed to write."""
    principal.ensure_can_write()
    principal.ensure_network_admin()


def _visible_owners(principal: Principal) -> frozenset[int] | None:
    """The brand owners whose catalog the caller sees (None: everything)."""
    return None if principal.is_network_admin else principal.account_ids


def apply_changes(obj: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply `changes`; the subset that differed."""
    applied = {}
    for key, value in changes.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            applied[key] = value
    return applied


# --- categories -------------------------------------------------------------------------------


def create_category(
    session: Session,
    principal: Principal,
    *,
    code: str,
    parent_id: int | None = None,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
) -> Category:
    """Create a category under `parent_id` (a root without one)."""
    ensure_catalog_writer(principal)
    code = code.strip()
    if not code or "/" in code:
        raise InvalidInput("a category code is non-empty and has no '/'", field="code")
    path = code
    if parent_id is not None:
        parent = repository.category_by_id(session, parent_id)
        if parent is None:
            raise InvalidInput("no category has this id", field="parent_id")
        path = f"{parent.path}/{code}"
    if len(path) > 500:
        raise InvalidInput("the category path would exceed 500 characters", field="code")
    if repository.category_by_path(session, path) is not None:
        raise Conflict(f"category {path} exists already", field="code")
    category = Category(
        code=code,
        parent_id=parent_id,
        path=path,
        name_kk=name_kk,
        name_ru=name_ru,
        name_en=name_en,
    )
    session.add(category)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "category",
        category.id,
        account_id=None,
        after=audit.snapshot(category),
    )
    return category


def get_category(session: Session, principal: Principal, category_id: int) -> Category:
    """One category (readable by every caller)."""
    ensure_reader(principal)
    category = repository.category_by_id(session, category_id)
    if category is None:
        raise NotFound("category not found")
    return category


def list_categories(
    session: Session,
    principal: Principal,
    *,
    parent_id: int | None = None,
    roots_only: bool = False,
    cursor: str | None,
    limit: int,
) -> tuple[list[Category], str | None]:
    """Categories by id, optionally the children of one node or the roots only."""
    ensure_reader(principal)
    stmt = repository.categories_query(parent_id=parent_id, roots_only=roots_only)
    return paginate(session, stmt, Category.id, cursor=cursor, limit=limit)


# --- brands -----------------------------------------------------------------------------------


def _check_owner(session: Session, owner_account_id: int | None) -> None:
    if owner_account_id is None:
        return
    account = repository.account_by_id(session, owner_account_id)
    if account is None or account.kind is not AccountKind.ADVERTISER:
        raise InvalidInput("a brand is owned by an advertiser account", field="owner_account_id")


def create_brand(
    session: Session, principal: Principal, *, name: str, owner_account_id: int | None = None
) -> Brand:
    """Create a brand, optionally owned by an advertiser."""
    ensure_catalog_writer(principal)
    name = name.strip()
    if not name:
        raise InvalidInput("a brand needs a name", field="name")
    _check_owner(session, owner_account_id)
    if repository.brand_by_name(session, name) is not None:
        raise Conflict(f"brand {name!r} exists already", field="name")
    brand = Brand(name=name, owner_account_id=owner_account_id)
    session.add(brand)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "brand",
        brand.id,
        account_id=owner_account_id,
        after=audit.snapshot(brand),
    )
    return brand


def get_brand(session: Session, principal: Principal, brand_id: int) -> Brand:
    """One brand: a network admin sees every brand, an advertiser only its own."""
    ensure_reader(principal)
    brand = repository.brand_by_id(session, brand_id)
    if brand is None:
        raise NotFound("brand not found")
    principal.ensure_access(brand.owner_account_id, "brand")
    return brand


def list_brands(
    session: Session,
    principal: Principal,
    *,
    owner_account_id: int | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Brand], str | None]:
    """The brands the caller may see, by id."""
    ensure_reader(principal)
    stmt = repository.brands_query(
        owner_ids=_visible_owners(principal), owner_account_id=owner_account_id
    )
    return paginate(session, stmt, Brand.id, cursor=cursor, limit=limit)


def set_brand_owner(
    session: Session, principal: Principal, brand_id: int, owner_account_id: int | None
) -> Brand:
    """Give a brand to an advertiser (or to nobody)."""
    ensure_catalog_writer(principal)
    brand = get_brand(session, principal, brand_id)
    _check_owner(session, owner_account_id)
    before = audit.snapshot(brand)
    previous_owner = brand.owner_account_id
    if apply_changes(brand, {"owner_account_id": owner_account_id}):
        session.flush()
        after = audit.snapshot(brand)
        # Both the old and the new owner see the hand-over in their audit logs.
        for account_id in dict.fromkeys([owner_account_id, previous_owner]):
            audit.record(
                session, principal, "update", "brand", brand.id,
                account_id=account_id, before=before, after=after,
            )  # fmt: skip
    return brand


# --- products ---------------------------------------------------------------------------------


def _check_names(name_kk: str, name_ru: str) -> None:
    if not name_kk.strip() and not name_ru.strip():
        raise InvalidInput("at least one of name_kk and name_ru is required", field="name_kk")


def create_product(
    session: Session,
    principal: Principal,
    *,
    sku: str,
    price_tiyn: int,
    gtin: str | None = None,
    brand_id: int | None = None,
    category_id: int | None = None,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
    stock_total: int = 0,
    active: bool = True,
) -> Product:
    """Create a product (bulk loads go through the importer instead)."""
    ensure_catalog_writer(principal)
    sku = sku.strip()
    if not sku:
        raise InvalidInput("a SKU is required", field="sku")
    if gtin is not None:
        why = gtin_problem(gtin)
        if why is not None:
            raise InvalidInput(f"the GTIN {why}", field="gtin")
    if price_tiyn <= 0:
        raise InvalidInput("the price must be greater than 0", field="price_tiyn")
    _check_names(name_kk, name_ru)
    if brand_id is not None and repository.brand_by_id(session, brand_id) is None:
        raise InvalidInput("no brand has this id", field="brand_id")
    if category_id is not None and repository.category_by_id(session, category_id) is None:
        raise InvalidInput("no category has this id", field="category_id")
    if repository.product_by_sku(session, sku) is not None:
        raise Conflict(f"a product with SKU {sku!r} exists already", field="sku")
    product = Product(
        sku=sku,
        gtin=gtin,
        brand_id=brand_id,
        category_id=category_id,
        name_kk=name_kk,
        name_ru=name_ru,
        name_en=name_en,
        price_tiyn=price_tiyn,
        stock_total=stock_total,
        active=active,
    )
    session.add(product)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "product",
        product.id,
        account_id=repository.brand_owner_of(session, product),
        after=audit.snapshot(product),
    )
    return product


def _visible_product(session: Session, principal: Principal, product: Product | None) -> Product:
    if product is None:
        raise NotFound("product not found")
    if not principal.is_network_admin:
        principal.ensure_access(repository.brand_owner_of(session, product), "product")
    return product


def get_product(session: Session, principal: Principal, product_id: int) -> Product:
    """One product: every product for a network admin, an advertiser's own brands' otherwise."""
    ensure_reader(principal)
    return _visible_product(session, principal, repository.product_by_id(session, product_id))


def get_product_by_sku(session: Session, principal: Principal, sku: str) -> Product:
    """One product by SKU, with the same visibility as `get_product`."""
    ensure_reader(principal)
    return _visible_product(session, principal, repository.product_by_sku(session, sku))


def list_products(
    session: Session,
    principal: Principal,
    *,
    q: str | None = None,
    brand_id: int | None = None,
    category_id: int | None = None,
    active: bool | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Product], str | None]:
    """Products the caller may see, by id; `category_id` includes the categories below it."""
    ensure_reader(principal)
    category = None
    if category_id is not None:
        category = repository.category_by_id(session, category_id)
        if category is None:
            return [], None
    stmt = repository.products_query(
        owner_ids=_visible_owners(principal),
        q=q.strip() if q else None,
        brand_id=brand_id,
        category=category,
        active=active,
    )
    return paginate(session, stmt, Product.id, cursor=cursor, limit=limit)


def update_product(
    session: Session, principal: Principal, product_id: int, changes: dict[str, Any]
) -> Product:
    """Change a product's price, stock total, active flag or names."""
    ensure_catalog_writer(principal)
    product = get_product(session, principal, product_id)
    allowed = {"price_tiyn", "stock_total", "active", "name_kk", "name_ru", "name_en"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput("this field cannot be changed", field=sorted(unknown)[0])
    if changes.get("price_tiyn", 1) <= 0:
        raise InvalidInput("the price must be greater than 0", field="price_tiyn")
    _check_names(changes.get("name_kk", product.name_kk), changes.get("name_ru", product.name_ru))
    before = audit.snapshot(product)
    if apply_changes(product, changes):
        session.flush()
        audit.record(
            session,
            principal,
            "update",
            "product",
            product.id,
            account_id=repository.brand_owner_of(session, product),
            before=before,
            after=audit.snapshot(product),
        )
    return product


def product_stock(
    session: Session, principal: Principal, product_id: int
) -> list[tuple[ProductStock, Store]]:
    """Per-store stock of a product the caller may see."""
    product = get_product(session, principal, product_id)
    return repository.stock_of_product(session, product.id)


def set_product_stock(
    session: Session, principal: Principal, product_id: int, store_id: int, quantity: int
) -> tuple[ProductStock, Store]:
    """Set a product's units in one store; the product's total becomes the sum over stores."""
    ensure_catalog_writer(principal)
    product = get_product(session, principal, product_id)
    store = repository.store_by_id(session, store_id)
    if store is None:
        raise NotFound("store not found")
    if quantity < 0:
        raise InvalidInput("a quantity is >= 0", field="quantity")
    entry = repository.stock_entry(session, product.id, store.id)
    before = audit.snapshot(entry)
    if entry is None:
        entry = ProductStock(product_id=product.id, store_id=store.id, quantity=quantity)
        session.add(entry)
    elif entry.quantity == quantity:
        return entry, store
    else:
        entry.quantity = quantity
    session.flush()
    repository.recompute_stock_totals(session, [product.id])
    session.refresh(product)
    audit.record(
        session,
        principal,
        "update" if before else "create",
        "product_stock",
        f"{product.id}:{store.id}",
        account_id=repository.brand_owner_of(session, product),
        before=before,
        after=audit.snapshot(entry),
    )
    return entry, store


# --- stores -----------------------------------------------------------------------------------


def create_store(session: Session, principal: Principal, **fields: Any) -> Store:
    """Create a store (code, name, city, address, lat, lon, active)."""
    ensure_catalog_writer(principal)
    if repository.store_by_code(session, fields["code"]) is not None:
        raise Conflict(f"a store with code {fields['code']!r} exists already", field="code")
    store = Store(**fields)
    session.add(store)
    session.flush()
    audit.record(
        session, principal, "create", "store", store.id, account_id=None,
        after=audit.snapshot(store),
    )  # fmt: skip
    return store


def get_store(session: Session, principal: Principal, store_id: int) -> Store:
    """One store (readable by every caller)."""
    ensure_reader(principal)
    store = repository.store_by_id(session, store_id)
    if store is None:
        raise NotFound("store not found")
    return store


def list_stores(
    session: Session,
    principal: Principal,
    *,
    city: str | None = None,
    active: bool | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Store], str | None]:
    """Stores by id, optionally of one city."""
    ensure_reader(principal)
    stmt = repository.stores_query(city=city, active=active)
    return paginate(session, stmt, Store.id, cursor=cursor, limit=limit)


def update_store(
    session: Session, principal: Principal, store_id: int, changes: dict[str, Any]
) -> Store:
    """Change a store's name, city, address, position or active flag."""
    ensure_catalog_writer(principal)
    store = get_store(session, principal, store_id)
    before = audit.snapshot(store)
    if apply_changes(store, changes):
        session.flush()
        audit.record(
            session, principal, "update", "store", store.id, account_id=None,
            before=before, after=audit.snapshot(store),
        )  # fmt: skip
    return store
