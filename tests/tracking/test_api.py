"""POST /api/v1/events/purchases: network keys with the events scope, per-line errors."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.tenancy.models import Role, Scope
from jarnama.tracking import events as ev
from jarnama.tracking.log import read_log
from tests import factories

from .helpers import purchase_json

URL = "/api/v1/events/purchases"


def _logged(settings: Settings) -> list[ev.Event]:
    return [ev.decode(r.payload) for r in read_log(Path(settings.events.log_dir))]


def test_good_purchases_are_durable_and_bad_ones_come_back_with_index_and_field(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = factories.api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.EVENTS,))
    body = {
        "purchases": [
            purchase_json("p1"),
            purchase_json("p2", lines=[{"sku": "A", "quantity": 0, "unit_price_tiyn": 1}]),
            purchase_json("p3", at="2026-03-01T10:00:00"),
            {"kind": "purchase", **purchase_json("p4", channel="online", store_code=None)},
            "not an object",
        ]
    }
    response = client.post(URL, json=body, headers=caller.headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["duplicates"], result["rejected"]) == (2, 0, 3)
    assert result["lines"] == 2
    errors = {e["index"]: e for e in result["errors"]}
    assert errors[1]["field"] == "lines[0].quantity"
    assert errors[1]["id"] == "p2"
    assert errors[2]["field"] == "at"
    assert errors[4]["id"] is None
    logged = _logged(settings)
    assert [e.id for e in logged] == ["p1", "p4"]
    assert isinstance(logged[0], ev.Purchase)
    assert logged[0].lines[0].unit_price_tiyn == 99_990_00

    again = client.post(URL, json={"purchases": [purchase_json("p1")]}, headers=caller.headers)
    assert again.json()["duplicates"] == 1
    assert len(_logged(settings)) == 2


def test_more_lines_than_allowed_is_refused_whole(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = factories.network_admin(session)
    line = {"sku": "A", "quantity": 1, "unit_price_tiyn": 1}
    limit = settings.events.max_batch_lines
    body = {"purchases": [purchase_json("big", lines=[line] * limit), purchase_json("one")]}
    response = client.post(URL, json=body, headers=caller.headers)
    assert response.status_code == 413
    assert not Path(settings.events.log_dir).exists() or _logged(settings) == []


def test_advertisers_and_keys_without_the_events_scope_are_refused(
    client: TestClient, session: Session
) -> None:
    advertiser = factories.account(session)
    own_key = factories.api_caller(session, account_id=advertiser.id)
    no_scope = factories.api_caller(session, role=Role.NETWORK_ADMIN, scopes=(Scope.MANAGE,))
    body = {"purchases": [purchase_json("p1")]}
    assert client.post(URL, json=body, headers=own_key.headers).status_code == 403
    assert client.post(URL, json=body, headers=no_scope.headers).status_code == 403
    assert client.post(URL, json=body).status_code == 401


def test_a_body_that_is_not_a_batch_is_a_client_error(client: TestClient, session: Session) -> None:
    caller = factories.network_admin(session)
    for content in (b"{", b'{"purchases": 3}', b"[]", b'{"purchases": [], "x": 1}'):
        response = client.post(
            URL, content=content, headers={**caller.headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, content
        assert response.json()["field"] == "purchases"
