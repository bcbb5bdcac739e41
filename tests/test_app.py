"""The HTTP edge: probes, metrics, error shape, request ids, body limit, auth."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.deps import SessionDep
from jarnama.tenancy.models import Network
from tests import factories


def test_healthz_and_readyz_answer(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json() == {"status": "ready"}


def test_metrics_count_requests(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert 'jarnama_http_requests_total{method="GET",route="/healthz",status="200"}' in body


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32


def test_unknown_route_has_error_shape(client: TestClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not Found", "field": None}


def test_missing_credential_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_bad_credential_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer jk_abcdefgh_" + "x" * 30})
    assert response.status_code == 401


def test_api_key_resolves_to_its_account(client: TestClient, session: Session) -> None:
    acct = factories.account(session)
    caller = factories.api_caller(session, account_id=acct.id)
    body = client.get("/api/v1/me", headers=caller.headers).json()
    assert body["account_id"] == acct.id
    assert body["role"] == "account_admin"
    assert body["actor"].startswith("key:")


def test_body_over_limit_is_413(client: TestClient, session: Session) -> None:
    caller = factories.network_admin(session)
    limit = client.app.state.settings.limits.max_body_bytes  # type: ignore[attr-defined]
    response = client.post(
        "/api/v1/me",
        content=b"x" * (limit + 1),
        headers={**caller.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_commit_failure_is_reported_not_swallowed(app: FastAPI, client: TestClient) -> None:
    """A write that fails at commit time answers an error: nothing is acknowledged and then lost."""

    @app.post("/test-only/duplicate-network")
    def duplicate(session: SessionDep) -> dict[str, str]:
        session.add(Network(id=1, name="a"))
        session.add(Network(id=1, name="b"))  # same primary key: fails only when committed
        return {"status": "accepted"}

    response = client.post("/test-only/duplicate-network")
    assert response.status_code >= 400
    assert response.json()["error"] != "accepted"
