"""The decision route's pure-ASGI fast path answers exactly as the generic HTTP stack does."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from jarnama.decisioning import api
from jarnama.decisioning.edge import DecisionFastPath
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_listing, runtime_of

SEARCH = {"placements": [{"placement": "search-top", "search_query": "молоко"}], "user_id": "u1"}


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, a catalog with milk products, placements, callers."""
    return build_world(session)


def _answers(client: TestClient, world: World) -> list[tuple[int, Any]]:
    """Status and body (ids left out) of decision requests good and bad."""
    admin = {**world.admin.headers, "content-type": "application/json"}
    requests: list[tuple[bytes, dict[str, str]]] = [
        (b'{"placements": [{"placement": "search-top", "search_query": "x"}]}', {}),
        (b'{"placements": [{"placement": "search-top"}]}', world.a.headers),
        (b'{"placements": [{"placement": "search-top", "slots": 0}]}', admin),
        (b'{"placements": [', admin),
        (b'{"placements": [{"placement": "nowhere"}]}', admin),
        (b"x" * (client.app.state.settings.limits.max_body_bytes + 1), admin),  # type: ignore[attr-defined]
    ]
    seen: list[tuple[int, Any]] = []
    for body, headers in requests:
        response = client.post("/api/v1/decisions", content=body, headers=headers)
        assert response.headers["x-request-id"]
        seen.append((response.status_code, response.json()))
    decided = client.post("/api/v1/decisions", json=SEARCH, headers=world.admin.headers)
    assert decided.headers["content-type"] == "application/json"
    winners = decided.json()["placements"][0]["winners"]
    seen.append((decided.status_code, [(w["product_id"], w["price_tiyn"]) for w in winners]))
    return seen


def test_the_fast_path_answers_as_the_generic_stack_does(
    client: TestClient, app: FastAPI, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    live_listing(client, world.b, world.milk_b, bid_tiyn=200)
    runtime_of(app).refresh()
    fast = _answers(client, world)
    assert [status for status, _ in fast] == [401, 403, 422, 422, 400, 413, 200]
    assert fast[-1][1] == [(world.milk_a, 201), (world.milk_b, 120)]

    async def generic(self: DecisionFastPath, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    monkeypatch.setattr(DecisionFastPath, "__call__", generic)
    assert _answers(client, world) == fast


def test_the_fast_path_keeps_the_request_id_and_counts_the_route(
    client: TestClient, app: FastAPI, world: World
) -> None:
    runtime_of(app).refresh()
    given = client.post(
        "/api/v1/decisions",
        json=SEARCH,
        headers={**world.admin.headers, "x-request-id": "shop-42.a_b"},
    )
    assert given.status_code == 200
    assert given.headers["x-request-id"] == "shop-42.a_b"
    unsafe = client.post(
        "/api/v1/decisions",
        json=SEARCH,
        headers={**world.admin.headers, "x-request-id": "no spaces\tplease"},
    )
    assert len(unsafe.headers["x-request-id"]) == 32  # a fresh one instead
    registry = app.state.metrics.registry
    labels = {"method": "POST", "route": "/api/v1/decisions", "status": "200"}
    assert registry.get_sample_value("jarnama_http_requests_total", labels) == 2
    # Other methods on the path still go through the router: 405 in the usual shape.
    other = client.get("/api/v1/decisions", headers=world.admin.headers)
    assert other.status_code == 405
    assert other.json()["error"] == "method_not_allowed"


def test_an_unhandled_error_answers_500_as_the_server_error_middleware_does(
    client: TestClient, app: FastAPI, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime_of(app).refresh()

    def broken(*_: Any) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "decide_json", broken)
    with pytest.raises(RuntimeError, match="boom"):  # re-raised for the server to log
        client.post("/api/v1/decisions", json=SEARCH, headers=world.admin.headers)
    quiet = TestClient(app, raise_server_exceptions=False)  # the lifespan runs in `client`
    fast = quiet.post("/api/v1/decisions", json=SEARCH, headers=world.admin.headers)
    labels = {"method": "POST", "route": "/api/v1/decisions", "status": "500"}
    assert app.state.metrics.registry.get_sample_value("jarnama_http_requests_total", labels) == 2

    async def generic(self: DecisionFastPath, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    monkeypatch.setattr(DecisionFastPath, "__call__", generic)
    slow = quiet.post("/api/v1/decisions", json=SEARCH, headers=world.admin.headers)
    internal = {"error": "internal", "detail": "internal server error", "field": None}
    for response in (fast, slow):
        assert (response.status_code, response.json()) == (500, internal)
        assert "x-request-id" not in response.headers  # sent outside the edge, as before
