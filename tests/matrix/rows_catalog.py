"""Matrix rows of the catalog.

The network admin manages the catalog; advertisers see the brands they own (and, as agencies,
their clients') and those brands' products; creators own no brands. Categories, stores,
placements and minimum bids are the network's, published to every authenticated caller.
"""

from __future__ import annotations

from typing import Any

from jarnama.tenancy.models import Role
from tests.matrix.case import EVERYONE, NETWORK, Case, Kind, advertiser, owned
from tests.matrix.world import STORE_CODE, Tenant, World

CREATORS = frozenset({Role.CREATOR})


def _min_bid(w: World, _t: Tenant) -> dict[str, Any]:
    return {"placement_id": w.network.placement_id, "category_id": w.network.category_id}


def _product(w: World, t: Tenant) -> dict[str, Any]:
    return {"product_id": advertiser(w, t).product_id}


ROWS: list[Case] = [
    # Brands and products: tenant data.
    Case(
        "POST",
        "/api/v1/catalog/brands",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {"name": "Matrix brand", "owner_account_id": t.account_id},
        foreign_status=403,
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/catalog/brands",
        Kind.LIST,
        EVERYONE,
        query=lambda w, t: {"owner_account_id": t.account_id},
        belongs_to=owned("owner_account_id"),
        owns_none=CREATORS,
    ),
    Case(
        "GET",
        "/api/v1/catalog/brands/{brand_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"brand_id": advertiser(w, t).brand_id},
        owns_none=CREATORS,
    ),
    Case(
        "PATCH",
        "/api/v1/catalog/brands/{brand_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"brand_id": advertiser(w, t).brand_id},
        body=lambda w, t: {"owner_account_id": None},
        foreign_status=403,  # a role check before any lookup: no existence leak
        owns_none=CREATORS,
        owns_none_status=403,
    ),
    Case(
        "POST",
        "/api/v1/catalog/products",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {
            "sku": "MATRIX-1",
            "price_tiyn": 1_000,
            "brand_id": t.brand_id,
            "name_kk": "Сүт",
        },
        foreign_status=403,
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/catalog/products",
        Kind.LIST,
        EVERYONE,
        query=lambda w, t: {} if t.brand_id is None else {"brand_id": t.brand_id},
        belongs_to=lambda item, t: item.get("brand_id") == t.brand_id,
        owns_none=CREATORS,
    ),
    Case(
        "GET",
        "/api/v1/catalog/products/{product_id}",
        Kind.ONE,
        EVERYONE,
        params=_product,
        owns_none=CREATORS,
    ),
    Case(
        "GET",
        "/api/v1/catalog/products/by-sku/{sku}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"sku": advertiser(w, t).sku},
        owns_none=CREATORS,
    ),
    Case(
        "PATCH",
        "/api/v1/catalog/products/{product_id}",
        Kind.WRITE,
        NETWORK,
        params=_product,
        body=lambda w, t: {"price_tiyn": 123_400},
        foreign_status=403,  # a role check before any lookup: no existence leak
        owns_none=CREATORS,
        owns_none_status=403,
    ),
    Case(
        "GET",
        "/api/v1/catalog/products/{product_id}/stock",
        Kind.ONE,
        EVERYONE,
        params=_product,
        owns_none=CREATORS,
    ),
    Case(
        "PUT",
        "/api/v1/catalog/products/{product_id}/stock/{store_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: _product(w, t) | {"store_id": w.network.store_id},
        body=lambda w, t: {"quantity": 7},
        foreign_status=403,  # a role check before any lookup: no existence leak
        owns_none=CREATORS,
        owns_none_status=403,
    ),
    # Bulk imports write products (of any brand) and stock: network admins only.
    Case(
        "POST",
        "/api/v1/catalog/imports/products",
        Kind.WRITE,
        NETWORK,
        files=lambda w, t: {
            "file": (
                "products.csv",
                "sku,name_ru,price\nMATRIX-9,Сүт,459.90\n".encode(),
                "text/csv",
            )
        },
        foreign_status=403,
    ),
    Case(
        "POST",
        "/api/v1/catalog/imports/stock",
        Kind.WRITE,
        NETWORK,
        files=lambda w, t: {
            "file": (
                "stock.csv",
                f"sku,store,quantity\n{advertiser(w, t).sku},{STORE_CODE},5\n".encode(),
                "text/csv",
            )
        },
        foreign_status=403,
    ),
    # Categories: network data.
    Case(
        "POST",
        "/api/v1/catalog/categories",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {
            "code": "matrix-new",
            "parent_id": w.network.category_id,
            "name_ru": "Новая",
        },
        foreign_status=403,
        success=201,
    ),
    Case("GET", "/api/v1/catalog/categories", Kind.SHARED, EVERYONE),
    Case(
        "GET",
        "/api/v1/catalog/categories/{category_id}",
        Kind.SHARED,
        EVERYONE,
        params=lambda w, t: {"category_id": w.network.category_id},
    ),
    # Stores: network data.
    Case(
        "POST",
        "/api/v1/catalog/stores",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {
            "code": "MATRIX-2",
            "name": "Magnum Two",
            "city": "Astana",
            "lat": 51.13,
            "lon": 71.43,
        },
        foreign_status=403,
        success=201,
    ),
    Case("GET", "/api/v1/catalog/stores", Kind.SHARED, EVERYONE),
    Case(
        "GET",
        "/api/v1/catalog/stores/{store_id}",
        Kind.SHARED,
        EVERYONE,
        params=lambda w, t: {"store_id": w.network.store_id},
    ),
    Case(
        "PATCH",
        "/api/v1/catalog/stores/{store_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"store_id": w.network.store_id},
        body=lambda w, t: {"name": "Renamed by the matrix"},
        foreign_status=403,
    ),
    # Placements and their per-category minimum bids: network data.
    Case(
        "POST",
        "/api/v1/catalog/placements",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {"code": "matrix-new", "name": "Category grid", "kind": "category"},
        foreign_status=403,
        success=201,
    ),
    Case("GET", "/api/v1/catalog/placements", Kind.SHARED, EVERYONE),
    Case(
        "GET",
        "/api/v1/catalog/placements/{placement_id}",
        Kind.SHARED,
        EVERYONE,
        params=lambda w, t: {"placement_id": w.network.placement_id},
    ),
    Case(
        "PATCH",
        "/api/v1/catalog/placements/{placement_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"placement_id": w.network.placement_id},
        body=lambda w, t: {"min_bid_tiyn": 60},
        foreign_status=403,
    ),
    Case(
        "GET",
        "/api/v1/catalog/placements/{placement_id}/min-bids",
        Kind.SHARED,
        EVERYONE,
        params=lambda w, t: {"placement_id": w.network.placement_id},
    ),
    Case(
        "GET",
        "/api/v1/catalog/placements/{placement_id}/min-bids/{category_id}",
        Kind.SHARED,
        EVERYONE,
        params=_min_bid,
    ),
    Case(
        "PUT",
        "/api/v1/catalog/placements/{placement_id}/min-bids/{category_id}",
        Kind.WRITE,
        NETWORK,
        params=_min_bid,
        body=lambda w, t: {"min_bid_tiyn": 150},
        foreign_status=403,
    ),
    Case(
        "DELETE",
        "/api/v1/catalog/placements/{placement_id}/min-bids/{category_id}",
        Kind.WRITE,
        NETWORK,
        params=_min_bid,
        foreign_status=403,
        success=204,
    ),
]
