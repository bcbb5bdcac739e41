"""`POST /openrtb2/auction`: OpenRTB 2.6 DOOH supply in, the exchange's auction, a BidResponse out.

Real test DSP processes bid; every BidRequest they receive and every BidResponse the endpoint
answers is checked against the IAB OpenRTB 2.6 JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.time import utcnow
from tests.exchange.dsp_process import running_dsp
from tests.exchange.golden import check_golden
from tests.exchange.helpers import Owners
from tests.exchange.player_harness import (
    P,
    app_with_dsp,
    dsp_log,
    normalised,
    open_screen,
)
from tests.exchange.schema import dooh_errors, schema_errors

BEHAVIOURS: dict[str, dict[str, Any]] = {
    "alpha": {"mode": "bid", "price": "5.00", "currency": "USD"},
    "kzt": {"mode": "bid", "price": "2200", "currency": "KZT"},
}
URL = "/openrtb2/auction"
CODE = "ALA-RTB-1"


@pytest.fixture(scope="module")
def dsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One test DSP process bidding as alpha (5.00 USD) and kzt (2 200 ₸)."""
    with running_dsp(BEHAVIOURS, tmp_path_factory.mktemp("dsp")) as base:
        yield base


@pytest.fixture
def app(
    settings: Settings, session_factory: sessionmaker[Session], dsp: str, tmp_path: Path
) -> FastAPI:
    """The app with alpha and kzt as its bidders."""
    # These tests are about auctions, not reviews: the approval gate is off (test_ops_e2e.py).
    return app_with_dsp(settings, session_factory, dsp, tmp_path, BEHAVIOURS, gated=False)


@pytest.fixture
def screen_id(client: TestClient, owners: Owners) -> int:
    """Owner A's board with code ALA-RTB-1 (floor 1 500 ₸, audience 12.5)."""
    return open_screen(client, owners.a.headers, CODE)


def bid_request(**changes: Any) -> dict[str, Any]:
    """A DOOH BidRequest as a screen network's own SSP sends it."""
    plays_at = utcnow() + dt.timedelta(minutes=1)
    request: dict[str, Any] = {
        "id": "supply-req-1",
        "imp": [
            {
                "id": "slot-1",
                "tagid": CODE,
                "banner": {"w": 1920, "h": 1080},
                "bidfloor": 2.5,
                "bidfloorcur": "USD",
                "dt": int(plays_at.timestamp() * 1000),
                "qty": {"multiplier": 20, "sourcetype": 1, "vendor": "geopath.org"},
            }
        ],
        "dooh": {"id": "venue-77", "venuetype": ["30101"], "venuetypetax": 5},
        "cur": ["USD"],
        "tmax": 300,
        "badv": ["competitor.example"],
    }
    request.update(changes)
    return request


def _post(client: TestClient, owners: Owners, body: Any, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        URL,
        content=content,
        headers=owners.a.headers | {"content-type": "application/json"} | headers,
    )


def test_supply_gets_an_openrtb_bid_response(
    client: TestClient, owners: Owners, screen_id: int, dsp: str
) -> None:
    httpx.delete(f"{dsp}/_log")
    response = _post(client, owners, bid_request())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert schema_errors(answer, "BidResponse.json") == []
    check_golden("inbound/bid_response.json", normalised(answer))
    [bid] = answer["seatbid"][0]["bid"]
    # alpha 5.00 USD wins; second price: kzt's 2 200 ₸ = 4.40 USD, + 0.01.
    assert (bid["impid"], bid["price"], answer["cur"]) == ("slot-1", 4.41, "USD")
    for name in BEHAVIOURS:
        [sent] = dsp_log(dsp, name)["requests"]
        sent.pop("_headers")
        assert schema_errors(sent) == []
        assert dooh_errors(sent) == []
        # The request's audience, blocks and floor travel on; the owner's blocks stay.
        assert sent["imp"][0]["qty"]["multiplier"] == 20
        assert "competitor.example" in sent["badv"]
        assert "casino.example" in sent["badv"]
    assert dsp_log(dsp, "alpha")["requests"][0]["imp"][0]["bidfloor"] == 3  # 1 500 ₸ = 3 USD
    # The lease of the win takes the proof of play like a player's.
    ext = bid["ext"]["jarnama"]
    proof = client.post(
        f"{P}/player/leases/{ext['lease_id']}/proof",
        json={"played_at": utcnow().isoformat(), "duration_seconds": "10", "percent_shown": "100"},
        headers=owners.a.headers,
    )
    assert proof.status_code == 200, proof.text
    assert proof.json()["billing"]["cost"] == "0.0882"  # 4.41 / 1000 × 20


def test_the_supply_floor_raises_the_screen_floor(
    client: TestClient, owners: Owners, screen_id: int
) -> None:
    imp = bid_request()["imp"][0] | {"bidfloor": 6}
    assert _post(client, owners, bid_request(imp=[imp])).status_code == 204


def test_prices_come_back_in_the_requested_currency(
    client: TestClient, owners: Owners, screen_id: int
) -> None:
    answer = _post(client, owners, bid_request(cur=["KZT"])).json()
    assert answer["cur"] == "KZT"
    assert answer["seatbid"][0]["bid"][0]["price"] == 2205  # 4.41 USD at 500 ₸


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"site": {"id": "s"}}, "site/app/dooh"),
        ({"dooh": None, "app": {"id": "a"}}, "app"),
        ({"imp": []}, "imp"),
        ({"imp": [{"id": "1", "tagid": "NOT-MINE"}]}, "imp.0.tagid"),
        ({"imp": [{"id": "1", "tagid": CODE}, {"id": "1", "tagid": CODE}]}, "imp.1.id"),
        ({"imp": [{"id": "1", "tagid": CODE, "bidfloor": "high"}]}, "imp.0.bidfloor"),
        ({"imp": [{"id": "1", "tagid": CODE, "dt": 1}]}, "imp.0.dt"),
        ({"cur": ["XYZ"]}, "cur"),
        ({"tmax": 0.5}, "tmax"),
        ({"id": ""}, "id"),
    ],
    ids=lambda value: json.dumps(value)[:40],
)
def test_invalid_requests_get_a_400_naming_the_field(
    client: TestClient, owners: Owners, screen_id: int, change: dict[str, Any], field: str
) -> None:
    body = bid_request(**change)
    body = {key: value for key, value in body.items() if value is not None}
    response = _post(client, owners, body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field, response.json()


def test_not_json_and_too_large_bodies(client: TestClient, owners: Owners, screen_id: int) -> None:
    assert _post(client, owners, b"{not json").json()["field"] == "body"
    huge = bid_request(ext={"padding": "x" * 70_000})
    response = _post(client, owners, huge)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_another_owners_screen_cannot_be_sold(
    client: TestClient, owners: Owners, screen_id: int
) -> None:
    response = client.post(
        URL,
        content=json.dumps(bid_request()).encode(),
        headers=owners.b.headers | {"content-type": "application/json"},
    )
    assert (response.status_code, response.json()["field"]) == (400, "imp.0.tagid")
    assert client.post(URL, content=b"{}").status_code == 401


def test_no_bid_is_204(client: TestClient, owners: Owners, screen_id: int, dsp: str) -> None:
    for name in BEHAVIOURS:
        httpx.put(f"{dsp}/_config/{name}", json={"mode": "nbr"})
    try:
        response = _post(client, owners, bid_request())
        assert (response.status_code, response.content) == (204, b"")
    finally:
        for name, behaviour in BEHAVIOURS.items():
            httpx.put(f"{dsp}/_config/{name}", json=behaviour)


EXAMPLES = Path(__file__).parents[3] / "shared" / "fixtures" / "openrtb" / "jsonschema" / "examples"


@pytest.mark.parametrize("name", ["mobile-app", "pmp-direct-deal", "simple-banner", "video"])
def test_the_iab_example_requests_are_refused_naming_their_channel(
    client: TestClient, owners: Owners, name: str
) -> None:
    """The IAB's own site and app examples: valid OpenRTB, but not DOOH supply."""
    document = json.loads((EXAMPLES / "bid-requests" / f"{name}.json").read_text())
    assert schema_errors(document) == []
    response = _post(client, owners, document)
    assert response.status_code == 400, response.text
    assert response.json()["field"] in ("site", "app")
    assert "dooh" in response.json()["detail"]
