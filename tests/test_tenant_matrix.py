"""The tenant matrix: every /api/v1 endpoint that touches tenant data, run as every kind of caller.

Each row of `CASES` (the lists in `tests/matrix/rows_*.py`) is one endpoint. For every row the
matrix proves:

(a) a *foreign* account's admin gets 404 for another tenant's single object, never sees its rows
    in a list (not even when filtering by its account id), and cannot write across (404, or 403
    for network-admin-only operations; no audit entry is written);
(b) each role (network admin, account admin, account analyst, creator) acting on its own
    tenant's data is allowed (2xx, and every allowed write is audited) or refused with 403, as
    `allowed` says; lists never show a role another tenant's rows; answers about network data
    (`Kind.SHARED`) carry no account field;
(c) a key without the `manage` scope cannot write (403, nothing audited), and a key without
    `read` (or `manage`) cannot read management data.

`test_every_api_route_is_covered` fails when a route under /api/v1 is neither a row nor in
`NON_TENANT_ROUTES`: adding an endpoint means adding its row. To add a domain, give `World`
(`tests/matrix/world.py`) the objects its rows need (one per tenant) and add a row list.

The world is built once per backend (module scope) inside a transaction rolled back at the end;
each test runs in a SAVEPOINT of its own that is rolled back after it, so no test sees another's
writes, and the app and client are built once too (the principal cache is cleared per test).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.core.db import make_sessionmaker
from jarnama.tenancy.models import Role
from tests.exchange.test_tenancy import EXCHANGE_ROUTES
from tests.factories import Caller
from tests.matrix import (
    rows_campaigns,
    rows_catalog,
    rows_creators,
    rows_measurement,
    rows_reports,
    rows_tenancy,
    rows_transcreation,
)
from tests.matrix.case import ROLES, Case, Kind
from tests.matrix.world import Tenant, World, build_world
from tests.tenancy.helpers import audit_count, cheap_hashing

CASES: list[Case] = [
    *rows_tenancy.ROWS,
    *rows_catalog.ROWS,
    *rows_campaigns.ROWS,
    *rows_creators.ROWS,
    *rows_reports.ROWS,
    *rows_measurement.ROWS,
    *rows_transcreation.ROWS,
]

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
    # Network-level keys only (the retailer's app): every advertiser or agency key gets 403, and
    # a decision holds every advertiser's winners (tests/decisioning/test_serving_api.py).
    ("POST", "/api/v1/decisions"): "network-key only; advertiser keys are refused",
    # Shops call these with the offer's own postback token or HMAC signature, not an API key;
    # a wrong offer, token or signature is refused (tests/creators/test_attribution.py).
    ("GET", "/api/v1/creators/postback/{offer_id}"): "authenticated by the offer's token/HMAC",
    ("POST", "/api/v1/creators/postback/{offer_id}"): "authenticated by the offer's token/HMAC",
    # The retailer's POS/loyalty purchases: network-level keys with the events scope only; every
    # advertiser or agency key gets 403 (tests/tracking/test_api.py).
    ("POST", "/api/v1/events/purchases"): "network-key only; advertiser keys are refused",
    # Events of every kind, same callers (tests/tracking/test_batch_api.py); ad events name
    # their served ad only by its signed token, never by ids from the body.
    ("POST", "/api/v1/events/batch"): "network-key only; advertiser keys are refused",
}


# --- one world per backend, one SAVEPOINT per test -----------------------------------------------


@dataclass(frozen=True)
class Built:
    """The module's world and the app and client that see it."""

    connection: Connection
    world: World
    app: FastAPI
    client: TestClient


@pytest.fixture(scope="module")
def _cheap_hashing() -> Iterator[None]:
    # Argon2 at production cost is ~50 ms per hash; the matrix tests access, not hashing.
    with cheap_hashing():
        yield


@pytest.fixture(scope="module")
def built(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, _cheap_hashing: None
) -> Iterator[Built]:
    """The world, built once per backend in a transaction rolled back after the module."""
    settings = Settings(
        _env_file=None,
        environment="test",
        database={"url": f"sqlite:///{tmp_path_factory.mktemp('matrix') / Path('unused.db')}"},
        auth={"secret_key": "test-secret"},
        log_json=False,
        events={"log_dir": str(tmp_path_factory.mktemp("matrix-events"))},
        measurement={"store_dir": str(tmp_path_factory.mktemp("matrix-analytics"))},
    )
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            factory = make_sessionmaker(conn, join_transaction_mode="create_savepoint")
            with factory() as session:
                world = build_world(session)
            app = create_app(settings, session_factory=factory)
            with TestClient(app) as client:
                yield Built(conn, world, app, client)
        finally:
            outer.rollback()


@pytest.fixture
def connection(built: Built) -> Iterator[Connection]:
    """The module's connection inside a SAVEPOINT that is rolled back after the test."""
    savepoint = built.connection.begin_nested()
    try:
        yield built.connection
    finally:
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture
def client(built: Built, connection: Connection) -> TestClient:
    """The module's client; no principal cached by an earlier test survives."""
    built.app.state.principal_cache.clear()
    return built.client


@pytest.fixture
def world(built: Built, connection: Connection) -> World:
    """The module's world (each test's changes to it are rolled back)."""
    return built.world


# --- calling a case --------------------------------------------------------------------------


def _call(
    client: TestClient, case: Case, world: World, tenant: Tenant, caller: Caller, *, filtered: bool
) -> Any:
    params = case.query(world, tenant) if filtered else {}
    return client.request(
        case.method,
        case.url(world, tenant),
        params=params | ({"limit": 500} if case.kind is Kind.LIST else {}),
        json=None if case.body is None else case.body(world, tenant),
        files=None if case.files is None else case.files(world, tenant),
        content=None if case.content is None else case.content[0],
        headers=caller.headers
        | ({} if case.content is None else {"content-type": case.content[1]}),
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


def _account_fields(value: Any) -> list[str]:
    """Every key naming an account anywhere in a JSON answer."""
    if isinstance(value, list):
        return [key for item in value for key in _account_fields(item)]
    if isinstance(value, dict):
        own = [key for key in value if "account" in key]
        return own + [key for item in value.values() for key in _account_fields(item)]
    return []


@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
@pytest.mark.parametrize("case", _by_kind(Kind.ONE, Kind.LIST, Kind.WRITE, Kind.SHARED))
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
        if case.kind is Kind.SHARED:
            assert _account_fields(response.json()) == [], "network data names an account"
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


@pytest.mark.parametrize(("case", "role"), _scope_params((Kind.ONE, Kind.LIST, Kind.SHARED)))
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
    # Media owners' exchange routes have a matrix of their own (tests/exchange/test_tenancy.py).
    uncovered = sorted(routes - in_matrix - NON_TENANT_ROUTES.keys() - EXCHANGE_ROUTES)
    assert uncovered == [], "add a matrix row (or a reasoned allow-list entry) for: " + ", ".join(
        f"{method} {path}" for method, path in uncovered
    )
    stale = sorted((in_matrix | NON_TENANT_ROUTES.keys()) - routes)
    assert stale == [], f"rows for routes that no longer exist: {stale}"
    assert not in_matrix & NON_TENANT_ROUTES.keys()
