"""The rates API: public reads for any caller, imports for network admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.tenancy.models import Role, Scope
from tests import factories
from tests.money.conftest import nbk_document


def _upload(data: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("rates.xml", data, "application/xml")}


def test_admin_imports_and_anyone_reads(
    client: TestClient, session: Session, sample_bytes: bytes
) -> None:
    admin = factories.network_admin(session)
    acct = factories.account(session)
    analyst = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=acct.id)

    imported = client.post(
        "/api/v1/rates/import", files=_upload(sample_bytes), headers=admin.headers
    )
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert body["on"] == "2026-01-15"
    assert body["inserted"] == ["USD", "EUR", "RUB"]
    assert "UZS" in body["ignored"]

    again = client.post("/api/v1/rates/import", files=_upload(sample_bytes), headers=admin.headers)
    assert again.json()["unchanged"] == ["USD", "EUR", "RUB"]
    assert again.json()["inserted"] == []

    listed = client.get("/api/v1/rates?on=2026-01-20", headers=analyst.headers)
    assert listed.status_code == 200, listed.text
    rates = {rate["currency"]: rate for rate in listed.json()["rates"]}
    assert rates["USD"] == {
        "currency": "USD",
        "on": "2026-01-15",
        "kzt": "506.12",
        "quantity": 1,
        "kzt_per_unit": "506.12",
        "source": "nbk",
        "age_days": 5,
    }
    assert rates["EUR"]["kzt"] == "589.4"
    one = client.get("/api/v1/rates?currency=RUB&on=2026-01-15", headers=analyst.headers).json()
    assert [rate["currency"] for rate in one["rates"]] == ["RUB"]
    assert one["max_age_days"] == 7


def test_convert_endpoint(client: TestClient, session: Session, sample_bytes: bytes) -> None:
    admin = factories.network_admin(session)
    client.post("/api/v1/rates/import", files=_upload(sample_bytes), headers=admin.headers)
    params = {
        "amount": "12.50",
        "currency": "USD",
        "to": "KZT",
        "on": "2026-01-16",
        "rounding": "ROUND_HALF_EVEN",
    }
    response = client.get("/api/v1/rates/convert", params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "6326.50"
    assert [rate["currency"] for rate in response.json()["rates"]] == ["USD"]

    stale = client.get(
        "/api/v1/rates/convert", params={**params, "on": "2026-02-01"}, headers=admin.headers
    )
    assert stale.status_code == 404
    assert stale.json()["error"] == "rate_unavailable"
    assert "17 days old" in stale.json()["detail"]

    for bad in ("12,50", "1.5e99", "NaN", ""):
        rejected = client.get(
            "/api/v1/rates/convert", params={**params, "amount": bad}, headers=admin.headers
        )
        assert rejected.status_code == 400, (bad, rejected.text)
        assert rejected.json()["field"] == "amount"


def test_only_network_admins_with_manage_scope_import(
    client: TestClient, session: Session, sample_bytes: bytes
) -> None:
    acct = factories.account(session)
    account_admin = factories.api_caller(session, account_id=acct.id)
    read_only_admin = factories.api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.READ,))
    for caller in (account_admin, read_only_admin):
        response = client.post(
            "/api/v1/rates/import", files=_upload(sample_bytes), headers=caller.headers
        )
        assert response.status_code == 403
    assert client.post("/api/v1/rates/import", files=_upload(sample_bytes)).status_code == 401
    assert client.get("/api/v1/rates").status_code == 401


def test_a_malformed_file_is_a_400_naming_the_element(client: TestClient, session: Session) -> None:
    admin = factories.network_admin(session)
    bad = nbk_document("15.01.2026", {"USD": ("506.12", 0)})
    response = client.post("/api/v1/rates/import", files=_upload(bad), headers=admin.headers)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_rates_file",
        "detail": "<item> #1 (USD): <quant> must be a positive integer, got '0'",
        "field": "quant",
    }
    listed = client.get("/api/v1/rates?on=2026-01-15", headers=admin.headers).json()
    assert listed["rates"] == []
