"""The tenant matrix: every /api/v1 endpoint that touches tenant data, run as every kind of caller.

Each row of `CASES` is one endpoint. For every row the matrix proves:

(a) a *foreign* account's admin gets 404 for another tenant's single object, never sees its rows
    in a list (not even when filtering by its account id), and cannot write across (404, or 403
    for network-admin-only operations; no audit entry is written);
(b) each role (network admin, account admin, account analyst, creator) acting on its own
    tenant's data is allowed (2xx, and every allowed write is audited) or refused with 403, as
    `allowed` says; lists never show a role another tenant's rows;
(c) a key without the `manage` scope cannot write (403, nothing audited), and a key without
    `read` (or `manage`) cannot read management data.

`test_every_api_route_is_covered` fails when a route under /api/v1 is neither a row here nor in
`NON_TENANT_ROUTES`: adding an endpoint means adding its row. To add a domain, give `World` the
objects its rows need (one per tenant) and append rows; nothing else changes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.app import create_app
from jarnama.catalog import service as catalog
from jarnama.config import Settings
from jarnama.tenancy import service, users
from jarnama.tenancy.models import AccountKind, Role, Scope
from jarnama.tenancy.principal import Principal
from tests import factories
from tests.factories import Caller
from tests.tenancy.helpers import PASSWORD, audit_count, cheap_hashing

ROLES = (Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.ACCOUNT_ANALYST, Role.CREATOR)
NO_MANAGE = (Scope.READ, Scope.AUCTIONS, Scope.EVENTS)
NO_READ = (Scope.AUCTIONS, Scope.EVENTS)
OPERATOR = Principal("test", Role.NETWORK_ADMIN, None, frozenset(s.value for s in Scope))

# Routes under /api/v1 that read or write no tenant data, each with the reason.
NON_TENANT_ROUTES: dict[tuple[str, str], str] = {
    # The caller's own identity, derived from its credential only.
    ("GET", "/api/v1/me"): "describes the presented credential",
    # Takes no credential; answers one 401 for every failure (tests/tenancy/test_auth_api.py).
    ("POST", "/api/v1/auth/login"): "unauthenticated by design",
    # Acts only on the presented session token, never on an id from the request.
    ("POST", "/api/v1/auth/logout"): "acts on the presented credential only",
    # Exchange rates are network-wide reference data any authenticated caller may read.
    ("GET", "/api/v1/rates"): "public reference data",
    ("GET", "/api/v1/rates/convert"): "public reference data",
}


# --- the world every case runs in ----------------------------------------------------------------


@dataclass(frozen=True)
class Tenant:
    """One account and an object of each kind it owns."""

    account_id: int
    kind: AccountKind
    member_role: Role  # the role its ordinary members hold
    user_id: int
    key_id: int
    brand_id: int | None = None  # a brand it owns (advertisers only)
    product_id: int | None = None  # a product of that brand
    sku: str | None = None


@dataclass(frozen=True)
class World:
    """Tenants and callers: `home` (advertiser) and `studio` (creator) are the callers' own,
    `foreign` is another advertiser whose admin attacks `home`."""

    home: Tenant
    studio: Tenant
    foreign: Tenant
    agency_id: int  # an agency already acting for `home`
    spare_advertiser_id: int  # an advertiser no agency acts for yet
    callers: dict[Role, Caller]
    foreign_admin: Caller
    restricted: dict[tuple[Role, str], Caller] = field(default_factory=dict)

    def tenant_of(self, role: Role) -> Tenant:
        """The tenant whose data a role acts on in (b): a creator its studio, others `home`."""
        return self.studio if role is Role.CREATOR else self.home


def _tenant(session: Session, name: str, kind: AccountKind, member_role: Role) -> Tenant:
    acct = factories.account(session, name, kind)
    member = users.create_user(
        session,
        "test",
        email=f"member@{name.lower()}.kz",
        password=PASSWORD,
        role=member_role,
        account_id=acct.id,
    )
    key, _ = service.create_api_key(
        session, "test", name="spare", role=member_role, account_id=acct.id, scopes=[Scope.READ]
    )
    if kind is not AccountKind.ADVERTISER:
        return Tenant(acct.id, kind, member_role, member.id, key.id)
    brand = catalog.create_brand(session, OPERATOR, name=f"{name} brand", owner_account_id=acct.id)
    product = catalog.create_product(
        session, OPERATOR, sku=f"SKU-{name}", price_tiyn=99_900, brand_id=brand.id, name_ru=name
    )
    return Tenant(acct.id, kind, member_role, member.id, key.id, brand.id, product.id, product.sku)


@pytest.fixture
def world(session: Session) -> Iterator[World]:
    """Three tenants, an agency acting for `home`, and a credential for every role."""
    with cheap_hashing():
        home = _tenant(session, "Home", AccountKind.ADVERTISER, Role.ACCOUNT_ANALYST)
        studio = _tenant(session, "Studio", AccountKind.CREATOR, Role.CREATOR)
        foreign = _tenant(session, "Foreign", AccountKind.ADVERTISER, Role.ACCOUNT_ANALYST)
        agency = factories.account(session, "Agency", AccountKind.AGENCY)
        spare = factories.account(session, "Spare", AccountKind.ADVERTISER)
        service.add_agency_client(session, "test", agency.id, home.account_id)
        session.commit()
        callers = {
            Role.NETWORK_ADMIN: factories.network_admin(session),
            Role.ACCOUNT_ADMIN: factories.api_caller(session, account_id=home.account_id),
            Role.ACCOUNT_ANALYST: factories.api_caller(
                session, role=Role.ACCOUNT_ANALYST, account_id=home.account_id
            ),
            Role.CREATOR: factories.api_caller(
                session, role=Role.CREATOR, account_id=studio.account_id
            ),
        }
        restricted = {}
        for role in (Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.CREATOR):
            tenant = None if role is Role.NETWORK_ADMIN else _tenant_for(role, home, studio)
            for label, scopes in (("no-manage", NO_MANAGE), ("no-read", NO_READ)):
                restricted[(role, label)] = factories.api_caller(
                    session, role=role, account_id=tenant, scopes=scopes
                )
        yield World(
            home=home,
            studio=studio,
            foreign=foreign,
            agency_id=agency.id,
            spare_advertiser_id=spare.id,
            callers=callers,
            foreign_admin=factories.api_caller(session, account_id=foreign.account_id),
            restricted=restricted,
        )


def _tenant_for(role: Role, home: Tenant, studio: Tenant) -> int:
    return studio.account_id if role is Role.CREATOR else home.account_id


# --- the table of cases --------------------------------------------------------------------------


class Kind(enum.Enum):
    """What an endpoint does with tenant data."""

    ONE = "reads one object"
    LIST = "lists objects"
    WRITE = "writes"


Params = Callable[[World, Tenant], dict[str, Any]]
Body = Callable[[World, Tenant], Any]


def _none(_w: World, _t: Tenant) -> dict[str, Any]:
    return {}


NBK_XML = (
    b"<?xml version='1.0' encoding='utf-8'?><rates><date>15.01.2026</date>"
    b"<item><fullname>US DOLLAR</fullname><title>USD</title><description>506.12</description>"
    b"<quant>1</quant></item></rates>"
)


@dataclass(frozen=True)
class Case:
    """One endpoint and who may call it.

    `allowed` are the roles that succeed on their own tenant's data; every other role gets 403.
    `params` fill the path (and, for lists, `query` narrows to the tenant); `belongs_to` tells
    whether a list item is the given tenant's. `foreign_status` is what a foreign account's admin
    gets for a single object or a write: 404, or 403 where only a network admin may act at all.
    """

    method: str
    route: str
    kind: Kind
    allowed: frozenset[Role]
    params: Params = _none
    body: Body | None = None
    files: Callable[[], dict[str, tuple[str, bytes, str]]] | None = None
    query: Params = _none
    belongs_to: Callable[[dict[str, Any], Tenant], bool] | None = None
    foreign_status: int = 404
    success: int = 200
    # Roles that own nothing of this kind (creators own no brands): they get this status for a
    # single object (the path names `home`'s) and an empty list.
    owns_none: frozenset[Role] = frozenset()
    owns_none_status: int = 404

    @property
    def name(self) -> str:
        """The case's id in test reports."""
        return f"{self.method} {self.route}"

    def url(self, world: World, tenant: Tenant) -> str:
        """The concrete path for one tenant."""
        return self.route.format(**self.params(world, tenant))


EVERYONE = frozenset(ROLES)
ADMINS = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN})
NETWORK = frozenset({Role.NETWORK_ADMIN})
KEY_ISSUERS = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.CREATOR})


def _owned(field_name: str) -> Callable[[dict[str, Any], Tenant], bool]:
    return lambda item, tenant: item.get(field_name) == tenant.account_id


def _account_filter(_w: World, t: Tenant) -> dict[str, Any]:
    return {"account_id": t.account_id}


CASES: list[Case] = [
    # Users: network admins manage all; account admins their own account; others read.
    Case(
        "POST",
        "/api/v1/users",
        Kind.WRITE,
        ADMINS,
        body=lambda w, t: {
            "email": f"new-{t.account_id}@matrix.kz",
            "password": PASSWORD,
            "role": t.member_role.value,
            "account_id": t.account_id,
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/users",
        Kind.LIST,
        EVERYONE,
        query=_account_filter,
        belongs_to=_owned("account_id"),
    ),
    Case(
        "GET",
        "/api/v1/users/{user_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"user_id": t.user_id},
    ),
    Case(
        "PATCH",
        "/api/v1/users/{user_id}",
        Kind.WRITE,
        ADMINS,
        params=lambda w, t: {"user_id": t.user_id},
        body=lambda w, t: {"full_name": "Changed by the matrix", "active": False},
    ),
    # Accounts: network admins create and change; members read their own (and agency clients).
    Case(
        "POST",
        "/api/v1/accounts",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {"kind": "advertiser", "name": "Matrix Ltd"},
        foreign_status=403,
        success=201,
    ),
    Case("GET", "/api/v1/accounts", Kind.LIST, EVERYONE, belongs_to=_owned("id")),
    Case(
        "GET",
        "/api/v1/accounts/{account_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"account_id": t.account_id},
    ),
    Case(
        "PATCH",
        "/api/v1/accounts/{account_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"account_id": t.account_id},
        body=lambda w, t: {"name": "Renamed by the matrix"},
    ),
    Case(
        "POST",
        "/api/v1/accounts/{agency_id}/clients",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"agency_id": w.agency_id},
        body=lambda w, t: {"client_id": w.spare_advertiser_id},
        foreign_status=403,
        success=201,
    ),
    Case(
        "DELETE",
        "/api/v1/accounts/{agency_id}/clients/{client_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"agency_id": w.agency_id, "client_id": w.home.account_id},
        foreign_status=403,
        success=204,
    ),
    # API keys: admins and creators issue keys for their accounts; analysts read.
    Case(
        "POST",
        "/api/v1/api-keys",
        Kind.WRITE,
        KEY_ISSUERS,
        body=lambda w, t: {
            "name": "matrix",
            "role": t.member_role.value,
            "account_id": t.account_id,
            "scopes": ["read"],
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/api-keys",
        Kind.LIST,
        EVERYONE,
        query=_account_filter,
        belongs_to=_owned("account_id"),
    ),
    Case(
        "POST",
        "/api/v1/api-keys/{key_id}/revoke",
        Kind.WRITE,
        KEY_ISSUERS,
        params=lambda w, t: {"key_id": t.key_id},
    ),
    # The audit log: everyone reads the entries of the accounts it may act for.
    Case(
        "GET",
        "/api/v1/audit-log",
        Kind.LIST,
        EVERYONE,
        query=_account_filter,
        belongs_to=_owned("account_id"),
    ),
    # Catalog: the network admin manages it; advertisers see the brands they own (and, as
    # agencies, their clients') and those brands' products; creators own no brands.
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
        belongs_to=_owned("owner_account_id"),
        owns_none=frozenset({Role.CREATOR}),
    ),
    Case(
        "GET",
        "/api/v1/catalog/brands/{brand_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"brand_id": t.brand_id or w.home.brand_id},
        owns_none=frozenset({Role.CREATOR}),
    ),
    Case(
        "PATCH",
        "/api/v1/catalog/brands/{brand_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"brand_id": t.brand_id or w.home.brand_id},
        body=lambda w, t: {"owner_account_id": None},
        foreign_status=403,  # a role check before any lookup: no existence leak
        owns_none=frozenset({Role.CREATOR}),
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
        belongs_to=lambda item, t: item.get("brand_id") == t.brand_id,
        owns_none=frozenset({Role.CREATOR}),
    ),
    Case(
        "GET",
        "/api/v1/catalog/products/{product_id}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"product_id": t.product_id or w.home.product_id},
        owns_none=frozenset({Role.CREATOR}),
    ),
    Case(
        "GET",
        "/api/v1/catalog/products/by-sku/{sku}",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"sku": t.sku or w.home.sku},
        owns_none=frozenset({Role.CREATOR}),
    ),
    Case(
        "GET",
        "/api/v1/catalog/products/{product_id}/stock",
        Kind.ONE,
        EVERYONE,
        params=lambda w, t: {"product_id": t.product_id or w.home.product_id},
        owns_none=frozenset({Role.CREATOR}),
    ),
    Case(
        "PATCH",
        "/api/v1/catalog/products/{product_id}",
        Kind.WRITE,
        NETWORK,
        params=lambda w, t: {"product_id": t.product_id or w.home.product_id},
        body=lambda w, t: {"price_tiyn": 123_400},
        foreign_status=403,  # a role check before any lookup: no existence leak
        owns_none=frozenset({Role.CREATOR}),
        owns_none_status=403,
    ),
    # Exchange rates are network data, but importing them is a network-admin write.
    Case(
        "POST",
        "/api/v1/rates/import",
        Kind.WRITE,
        NETWORK,
        files=lambda: {"file": ("rates.xml", NBK_XML, "application/xml")},
        foreign_status=403,
    ),
]


def _call(
    client: TestClient, case: Case, world: World, tenant: Tenant, caller: Caller, *, filtered: bool
) -> Any:
    params = case.query(world, tenant) if filtered else {}
    return client.request(
        case.method,
        case.url(world, tenant),
        params=params | ({"limit": 500} if case.kind is Kind.LIST else {}),
        json=None if case.body is None else case.body(world, tenant),
        files=None if case.files is None else case.files(),
        headers=caller.headers,
    )


def _by_kind(*kinds: Kind) -> list[Any]:
    return [pytest.param(case, id=case.name) for case in CASES if case.kind in kinds]


# --- (a) a foreign account's admin -------------------------------------------------------------


@pytest.mark.parametrize("case", _by_kind(Kind.ONE, Kind.WRITE))
def test_foreign_admin_cannot_reach_objects(
    client: TestClient, session: Session, world: World, case: Case
) -> None:
    before = audit_count(session)
    response = _call(client, case, world, world.home, world.foreign_admin, filtered=True)
    assert response.status_code == case.foreign_status, response.text
    assert audit_count(session) == before, "a refused call wrote an audit entry"


@pytest.mark.parametrize("case", _by_kind(Kind.LIST))
def test_foreign_rows_never_listed(
    client: TestClient, session: Session, world: World, case: Case
) -> None:
    assert case.belongs_to is not None
    admin_view = _call(
        client, case, world, world.home, world.callers[Role.NETWORK_ADMIN], filtered=False
    )
    assert any(case.belongs_to(item, world.home) for item in admin_view.json()["items"]), (
        "the victim has no rows: this case would prove nothing"
    )
    for filtered in (False, True):
        response = _call(client, case, world, world.home, world.foreign_admin, filtered=filtered)
        assert response.status_code == 200, response.text
        leaked = [item for item in response.json()["items"] if case.belongs_to(item, world.home)]
        assert leaked == []


# --- (b) each role on its own tenant's data ----------------------------------------------------


@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
@pytest.mark.parametrize("case", _by_kind(Kind.ONE, Kind.LIST, Kind.WRITE))
def test_role_is_allowed_or_forbidden(
    client: TestClient, session: Session, world: World, case: Case, role: Role
) -> None:
    tenant = world.tenant_of(role)
    before = audit_count(session)
    response = _call(client, case, world, tenant, world.callers[role], filtered=True)
    if role in case.owns_none:
        if case.kind is Kind.LIST:
            assert response.status_code == 200, response.text
            assert response.json()["items"] == []
        else:
            assert response.status_code == case.owns_none_status, response.text
            assert audit_count(session) == before
    elif role in case.allowed:
        assert response.status_code == case.success, response.text
        if case.kind is Kind.WRITE:
            assert audit_count(session) > before, "an allowed write left no audit entry"
        if case.kind is Kind.LIST and role is not Role.NETWORK_ADMIN:
            assert case.belongs_to is not None
            items = response.json()["items"]
            assert items, "a member sees its own rows"
            assert not any(case.belongs_to(item, world.foreign) for item in items)
    else:
        assert response.status_code == 403, response.text
        assert audit_count(session) == before


# --- (c) scopes ------------------------------------------------------------------------------


def _scope_params(kinds: tuple[Kind, ...]) -> list[Any]:
    return [
        pytest.param(case, role, id=f"{case.name} as {role.value}")
        for case in CASES
        if case.kind in kinds
        for role in sorted(case.allowed - {Role.ACCOUNT_ANALYST} - case.owns_none)
    ]


@pytest.mark.parametrize(("case", "role"), _scope_params((Kind.WRITE,)))
def test_key_without_manage_cannot_write(
    client: TestClient, session: Session, world: World, case: Case, role: Role
) -> None:
    before = audit_count(session)
    caller = world.restricted[(role, "no-manage")]
    response = _call(client, case, world, world.tenant_of(role), caller, filtered=True)
    assert response.status_code == 403, response.text
    assert audit_count(session) == before


@pytest.mark.parametrize(("case", "role"), _scope_params((Kind.ONE, Kind.LIST)))
def test_key_without_read_cannot_read(
    client: TestClient, world: World, case: Case, role: Role
) -> None:
    caller = world.restricted[(role, "no-read")]
    response = _call(client, case, world, world.tenant_of(role), caller, filtered=True)
    assert response.status_code == 403, response.text


# --- coverage ----------------------------------------------------------------------------------


def _api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) under /api/v1: from the router tree and from the OpenAPI document."""
    found: set[tuple[str, str]] = set()

    def walk(routes: Iterable[Any]) -> None:
        for route in routes:
            # FastAPI >= 0.16x keeps included routers as lazy branches with effective routes.
            nested = getattr(route, "effective_route_contexts", None)
            if callable(nested):
                walk(nested())
                continue
            path, methods = getattr(route, "path", None), getattr(route, "methods", None)
            if path and methods:
                found.update((method, path) for method in methods)

    walk(app.routes)
    for path, operations in app.openapi()["paths"].items():
        found.update((method.upper(), path) for method in operations)
    return {
        (method, path)
        for method, path in found
        if path.startswith("/api/v1") and method not in ("HEAD", "OPTIONS")
    }


def test_every_api_route_is_covered(settings: Settings) -> None:
    routes = _api_routes(create_app(settings))
    in_matrix = {(case.method, case.route) for case in CASES}
    uncovered = sorted(routes - in_matrix - NON_TENANT_ROUTES.keys())
    assert uncovered == [], "add a matrix row (or a reasoned allow-list entry) for: " + ", ".join(
        f"{method} {path}" for method, path in uncovered
    )
    stale = sorted((in_matrix | NON_TENANT_ROUTES.keys()) - routes)
    assert stale == [], f"rows for routes that no longer exist: {stale}"
    assert not in_matrix & NON_TENANT_ROUTES.keys()
