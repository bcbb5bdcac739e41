"""The catalog management API: CRUD, validation, who sees what, and the import endpoint."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.tenancy import service as tenancy
from jarnama.tenancy.models import AccountKind, Role, Scope
from tests import factories
from tests.catalog.helpers import audit_entries, product_row

API = "/api/v1/catalog"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_category_tree_brand_product_crud(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session).headers
    dairy = _ok(client.post(f"{API}/categories", json={"code": "dairy"}, headers=admin), 201)
    milk = _ok(
        client.post(
            f"{API}/categories",
            json={"code": "milk", "parent_id": dairy["id"], "name_ru": "Молоко"},
            headers=admin,
        ),
        201,
    )
    assert milk["path"] == "dairy/milk"
    assert milk["parent_id"] == dairy["id"]
    duplicate = client.post(
        f"{API}/categories", json={"code": "milk", "parent_id": dairy["id"]}, headers=admin
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == "code"
    roots = _ok(client.get(f"{API}/categories", params={"roots": True}, headers=admin))
    assert [c["code"] for c in roots["items"]] == ["dairy"]

    brand = _ok(client.post(f"{API}/brands", json={"name": "Food Master"}, headers=admin), 201)
    body = {
        "sku": "FM-1",
        "gtin": "4006381333931",
        "brand_id": brand["id"],
        "category_id": milk["id"],
        "name_ru": "Молоко 2,5%",
        "price_tiyn": 45990,
    }
    product = _ok(client.post(f"{API}/products", json=body, headers=admin), 201)
    assert product["price_tenge"] == "459.90"
    assert product["stock_total"] == 0
    assert _ok(client.get(f"{API}/products/by-sku/FM-1", headers=admin))["id"] == product["id"]
    changed = _ok(
        client.patch(
            f"{API}/products/{product['id']}",
            json={"price_tiyn": 49900, "active": False, "name_kk": "Сүт"},
            headers=admin,
        )
    )
    assert (changed["price_tenge"], changed["active"], changed["name_kk"]) == (
        "499.00",
        False,
        "Сүт",
    )
    by_category = _ok(
        client.get(f"{API}/products", params={"category_id": dairy["id"]}, headers=admin)
    )
    assert [p["sku"] for p in by_category["items"]] == ["FM-1"]
    found = _ok(
        client.get(f"{API}/products", params={"q": "Молоко 2,5", "active": False}, headers=admin)
    )
    assert [p["sku"] for p in found["items"]] == ["FM-1"]
    # Case folds in Kazakh and Russian on both databases (SQLite gets a Unicode lower()).
    for query in ("сүт", "СҮТ", "молоко"):
        folded = _ok(
            client.get(f"{API}/products", params={"q": query, "active": False}, headers=admin)
        )
        assert [p["sku"] for p in folded["items"]] == ["FM-1"], query
    assert _ok(client.get(f"{API}/products", params={"q": "_"}, headers=admin))["items"] == []
    assert _ok(client.get(f"{API}/products", params={"q": "fm-1"}, headers=admin))["items"]
    actions = [(e.action, e.entity) for e in audit_entries(session, "product")]
    assert actions == [("create", "product"), ("update", "product")]


def test_validation_errors_name_the_field(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session).headers
    base = {"sku": "X-1", "name_ru": "Хлеб", "price_tiyn": 100}
    cases = [
        ({**base, "gtin": "4006381333932"}, 400, "gtin"),
        ({**base, "name_ru": ""}, 400, "name_kk"),
        ({**base, "brand_id": 999_999}, 400, "brand_id"),
        ({**base, "price_tiyn": 0}, 422, "price_tiyn"),
        ({**base, "price_tiyn": 459.9}, 422, "price_tiyn"),
        ({**base, "price_tiyn": "100"}, 422, "price_tiyn"),
    ]
    for body, status, field in cases:
        response = client.post(f"{API}/products", json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.text)
    banner = {"code": "home-top", "name": "Home top", "kind": "home_banner"}
    response = client.post(f"{API}/placements", json=banner, headers=admin)
    assert response.status_code == 400
    assert response.json()["field"] == "width"
    response = client.post(
        f"{API}/brands", json={"name": "B", "owner_account_id": 10**6}, headers=admin
    )
    assert response.status_code == 400
    assert response.json()["field"] == "owner_account_id"


def test_stores_placements_stock_and_min_bids(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session).headers
    store = _ok(
        client.post(
            f"{API}/stores",
            json={"code": "ALA-01", "name": "Abay", "city": "Almaty", "lat": 43.24, "lon": 76.91},
            headers=admin,
        ),
        201,
    )
    patched = _ok(
        client.patch(f"{API}/stores/{store['id']}", json={"address": "Abay 1"}, headers=admin)
    )
    assert patched["address"] == "Abay 1"
    assert _ok(client.get(f"{API}/stores", params={"city": "Almaty"}, headers=admin))["items"]
    screen = _ok(
        client.post(
            f"{API}/placements",
            json={
                "code": "ala-01-entrance",
                "name": "Entrance screen",
                "kind": "in_store_screen",
                "width": 1080,
                "height": 1920,
                "min_bid_tiyn": 5000,
            },
            headers=admin,
        ),
        201,
    )
    assert (screen["channel"], screen["min_bid_tenge"]) == ("in_store", "50.00")
    search = _ok(
        client.post(
            f"{API}/placements",
            json={"code": "search", "name": "Search", "kind": "search", "slots": 4},
            headers=admin,
        ),
        201,
    )
    assert (
        _ok(
            client.patch(
                f"{API}/placements/{search['id']}", json={"min_bid_tiyn": 300}, headers=admin
            )
        )["min_bid_tiyn"]
        == 300
    )
    category = _ok(client.post(f"{API}/categories", json={"code": "dairy"}, headers=admin), 201)
    url = f"{API}/placements/{search['id']}/min-bids/{category['id']}"
    assert client.get(url, headers=admin).status_code == 404
    assert (
        _ok(client.put(url, json={"min_bid_tiyn": 1200}, headers=admin))["min_bid_tenge"] == "12.00"
    )
    assert [
        m["min_bid_tiyn"]
        for m in _ok(client.get(f"{API}/placements/{search['id']}/min-bids", headers=admin))
    ] == [1200]
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404

    product = _ok(
        client.post(
            f"{API}/products",
            json={"sku": "S1", "name_kk": "Нан", "price_tiyn": 250},
            headers=admin,
        ),
        201,
    )
    stock_url = f"{API}/products/{product['id']}/stock"
    assert (
        _ok(client.put(f"{stock_url}/{store['id']}", json={"quantity": 7}, headers=admin))[
            "quantity"
        ]
        == 7
    )
    assert _ok(client.get(stock_url, headers=admin)) == [
        {"store_id": store["id"], "store_code": "ALA-01", "quantity": 7}
    ]
    assert _ok(client.get(f"{API}/products/{product['id']}", headers=admin))["stock_total"] == 7
    assert client.put(f"{stock_url}/999999", json={"quantity": 1}, headers=admin).status_code == 404


def _world(client: TestClient, session: Session) -> dict[str, Any]:
    """Two advertisers with a brand and a product each, an agency acting for the first."""
    admin = factories.network_admin(session)
    home = factories.account(session, "Home")
    foreign = factories.account(session, "Foreign")
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    tenancy.add_agency_client(session, "test", agency.id, home.id)
    session.commit()
    ids: dict[str, Any] = {"home": home.id, "foreign": foreign.id}
    for name, owner in (("home", home.id), ("foreign", foreign.id)):
        brand = _ok(
            client.post(
                f"{API}/brands",
                json={"name": f"{name} brand", "owner_account_id": owner},
                headers=admin.headers,
            ),
            201,
        )
        product = _ok(
            client.post(
                f"{API}/products",
                json={
                    "sku": f"{name}-1",
                    "brand_id": brand["id"],
                    "name_ru": name,
                    "price_tiyn": 100,
                },
                headers=admin.headers,
            ),
            201,
        )
        ids[f"{name}_brand"], ids[f"{name}_product"] = brand["id"], product["id"]
    ids["admin"] = admin
    ids["advertiser"] = factories.api_caller(session, account_id=home.id)
    ids["analyst"] = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=home.id)
    ids["agency"] = factories.api_caller(session, account_id=agency.id)
    ids["foreign_admin"] = factories.api_caller(session, account_id=foreign.id)
    return ids


def test_advertisers_see_only_their_brands_and_products(
    client: TestClient, session: Session
) -> None:
    w = _world(client, session)
    for who in ("advertiser", "analyst", "agency"):
        headers = w[who].headers
        brands = _ok(client.get(f"{API}/brands", headers=headers))["items"]
        assert [b["id"] for b in brands] == [w["home_brand"]], who
        products = _ok(client.get(f"{API}/products", headers=headers))["items"]
        assert [p["id"] for p in products] == [w["home_product"]], who
        assert client.get(f"{API}/products/{w['home_product']}", headers=headers).status_code == 200
        assert (
            client.get(f"{API}/products/{w['foreign_product']}", headers=headers).status_code == 404
        )
        assert client.get(f"{API}/products/by-sku/foreign-1", headers=headers).status_code == 404
        assert client.get(f"{API}/brands/{w['foreign_brand']}", headers=headers).status_code == 404
        filtered = client.get(
            f"{API}/products", params={"brand_id": w["foreign_brand"]}, headers=headers
        )
        assert _ok(filtered)["items"] == []
    foreign = w["foreign_admin"].headers
    assert client.get(f"{API}/products/{w['home_product']}", headers=foreign).status_code == 404
    assert [b["id"] for b in _ok(client.get(f"{API}/brands", headers=foreign))["items"]] == [
        w["foreign_brand"]
    ]


def test_only_network_admins_write_and_everyone_reads_published_data(
    client: TestClient, session: Session
) -> None:
    w = _world(client, session)
    admin = w["admin"].headers
    _ok(client.post(f"{API}/categories", json={"code": "bakery"}, headers=admin), 201)
    read_only_admin = factories.api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.READ,))
    no_read = factories.api_caller(session, account_id=w["home"], scopes=(Scope.AUCTIONS,))
    writes = [
        ("POST", f"{API}/categories", {"code": "x"}),
        ("POST", f"{API}/brands", {"name": "x"}),
        ("PATCH", f"{API}/brands/{w['home_brand']}", {"owner_account_id": None}),
        ("PATCH", f"{API}/products/{w['home_product']}", {"price_tiyn": 1}),
        ("POST", f"{API}/stores", {"code": "x", "name": "x", "city": "x", "lat": 0, "lon": 0}),
    ]
    for caller in (w["advertiser"], w["analyst"], w["agency"], read_only_admin):
        for method, url, body in writes:
            response = client.request(method, url, json=body, headers=caller.headers)
            assert response.status_code == 403, (caller.role, method, url, response.text)
    for caller in (w["advertiser"], w["analyst"], w["agency"], w["foreign_admin"]):
        for path in ("categories", "stores", "placements"):
            _ok(client.get(f"{API}/{path}", headers=caller.headers))
    assert len(_ok(client.get(f"{API}/categories", headers=w["advertiser"].headers))["items"]) == 1
    assert client.get(f"{API}/categories", headers=no_read.headers).status_code == 403
    assert client.get(f"{API}/categories").status_code == 401


CSV_BODY = (
    "sku,brand,category,name_ru,price\n"
    "M-1,Rahat,sweets,Шоколад,350.50\n"
    "M-2,Rahat,sweets,Конфеты,99\n"
)


def test_import_endpoint_accepts_csv_ndjson_and_multipart(
    client: TestClient, session: Session
) -> None:
    admin = factories.network_admin(session).headers
    url = f"{API}/imports/products"
    report = _ok(
        client.post(url, content=CSV_BODY.encode(), headers=admin | {"content-type": "text/csv"})
    )
    assert (report["created"], report["brands_created"], report["applied"]) == (2, 1, True)
    ndjson = '{"sku": "M-1", "name_ru": "Шоколад", "price": 360}\n'
    report = _ok(
        client.post(
            url, content=ndjson.encode(), headers=admin | {"content-type": "application/x-ndjson"}
        )
    )
    assert (report["updated"], report["unchanged"]) == (1, 0)
    files = {"file": ("products.csv", CSV_BODY.encode(), "text/csv")}
    report = _ok(client.post(url, files=files, headers=admin))
    assert (report["updated"], report["unchanged"], report["source"]) == (1, 1, "products.csv")


def test_import_endpoint_rejects_bad_rows_with_400(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session).headers
    url = f"{API}/imports/products"
    body = CSV_BODY + "M-3,,,,1.234\n"
    response = client.post(url, content=body.encode(), headers=admin | {"content-type": "text/csv"})
    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] == "invalid_rows"
    assert not payload["report"]["applied"]
    assert payload["report"]["errors"] == [
        {
            "line": 4,
            "field": "name_kk",
            "reason": "at least one of name_kk and name_ru is required",
        },
        {
            "line": 4,
            "field": "price",
            "reason": "has more than 2 decimals (tiyn are the smallest unit)",
        },
    ]
    assert _ok(client.get(f"{API}/products", headers=admin))["items"] == []
    partial = _ok(
        client.post(
            url,
            params={"allow_partial": True},
            content=body.encode(),
            headers=admin | {"content-type": "text/csv"},
        )
    )
    assert (partial["created"], partial["rejected"]) == (2, 1)
    refused = client.post(url, content=b"x", headers=admin | {"content-type": "application/pdf"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "content-type"
    not_utf8 = client.post(
        url, content="é".encode("latin-1"), headers=admin | {"content-type": "text/csv"}
    )
    assert not_utf8.status_code == 400
    assert not_utf8.json()["field"] == "file"
    advertiser = factories.api_caller(session, account_id=factories.account(session).id)
    forbidden = client.post(
        url, content=CSV_BODY.encode(), headers=advertiser.headers | {"content-type": "text/csv"}
    )
    assert forbidden.status_code == 403


def test_stock_import_endpoint(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session).headers
    _ok(
        client.post(
            f"{API}/stores",
            json={"code": "ALA-01", "name": "Abay", "city": "Almaty", "lat": 43.2, "lon": 76.9},
            headers=admin,
        ),
        201,
    )
    client.post(
        f"{API}/imports/products",
        content=CSV_BODY.encode(),
        headers=admin | {"content-type": "text/csv"},
    )
    body = "sku,store,quantity\nM-1,ALA-01,12\n"
    report = _ok(
        client.post(
            f"{API}/imports/stock",
            content=body.encode(),
            headers=admin | {"content-type": "text/csv"},
        )
    )
    assert report["created"] == 1
    product = _ok(client.get(f"{API}/products/by-sku/M-1", headers=admin))
    assert product["stock_total"] == 12
    assert product_row(1)["sku"] == "SKU-00001"


def test_effective_min_bid_walks_up_the_category_tree(client: TestClient, session: Session) -> None:
    from jarnama.catalog import placements
    from jarnama.catalog.models import Placement

    admin = factories.network_admin(session).headers
    dairy = _ok(client.post(f"{API}/categories", json={"code": "dairy"}, headers=admin), 201)
    body = {"code": "milk", "parent_id": dairy["id"]}
    _ok(client.post(f"{API}/categories", json=body, headers=admin), 201)
    search = _ok(
        client.post(
            f"{API}/placements",
            json={"code": "s", "name": "Search", "kind": "search", "min_bid_tiyn": 100},
            headers=admin,
        ),
        201,
    )
    url = f"{API}/placements/{search['id']}/min-bids/{dairy['id']}"
    _ok(client.put(url, json={"min_bid_tiyn": 700}, headers=admin))
    placement = session.get(Placement, search["id"])
    assert placement is not None
    assert placements.effective_min_bid(session, placement, "dairy/milk") == 700
    assert placements.effective_min_bid(session, placement, "bakery") == 100
    assert placements.effective_min_bid(session, placement, None) == 100


def test_import_checks_the_caller_before_reading_the_upload(
    client: TestClient, session: Session
) -> None:
    advertiser = factories.account(session, "Importer Co")
    analyst = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=advertiser.id)
    owner = factories.api_caller(session, account_id=advertiser.id)
    junk = {"Content-Type": "application/octet-stream"}
    for path in ("products", "stock"):
        url = f"{API}/imports/{path}"
        assert client.post(url, content=b"\x00", headers=junk).status_code == 401
        for caller in (analyst, owner):
            response = client.post(url, content=b"\x00", headers={**junk, **caller.headers})
            assert response.status_code == 403, (path, caller.role, response.json())


def test_brand_owners_see_changes_to_their_products_in_the_audit_log(
    client: TestClient, session: Session
) -> None:
    admin = factories.network_admin(session).headers
    first = factories.account(session, "First Owner")
    second = factories.account(session, "Second Owner")
    first_key = factories.api_caller(session, account_id=first.id).headers
    second_key = factories.api_caller(session, account_id=second.id).headers
    brand = _ok(
        client.post(
            f"{API}/brands", json={"name": "Audited", "owner_account_id": first.id}, headers=admin
        ),
        201,
    )
    product = _ok(
        client.post(
            f"{API}/products",
            json={"sku": "AUD-1", "name_ru": "Сыр", "price_tiyn": 150000, "brand_id": brand["id"]},
            headers=admin,
        ),
        201,
    )
    _ok(client.patch(f"{API}/products/{product['id']}", json={"price_tiyn": 140000}, headers=admin))
    _ok(
        client.patch(
            f"{API}/brands/{brand['id']}", json={"owner_account_id": second.id}, headers=admin
        )
    )

    def entries(headers: dict[str, str], entity: str) -> list[str]:
        page = _ok(client.get("/api/v1/audit-log", params={"entity": entity}, headers=headers))
        return [item["action"] for item in page["items"]]

    assert entries(first_key, "product") == ["create", "update"]
    assert entries(first_key, "brand") == ["create", "update"]  # it sees the hand-over too
    assert entries(second_key, "brand") == ["update"]
    assert entries(second_key, "product") == []  # history before it owned the brand stays private
