"""The player API through the app, with real test DSP processes on loopback as bidders.

A player asks for the ad of a slot, gets a creative, tracking URLs and a lease; proves the play
(billed once, exactly, with the winning bid's burl fired after the commit) or releases it (no
billing, the winner's lurl with loss code 2). Expired leases refuse proofs; other tenants and
other screens' player tokens get 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.time import utcnow
from jarnama.exchange.player import billing_row, play_cost
from jarnama.exchange.player_models import Lease, LeaseStatus, PlayBilling
from jarnama.tenancy.models import AccountKind, Role, Scope
from tests.exchange.dsp_process import running_dsp
from tests.exchange.golden import check_golden
from tests.exchange.helpers import Owners
from tests.exchange.player_harness import (
    P,
    app_with_dsp,
    dsp_log,
    normalised,
    open_screen,
    soon,
    wait_for_notices,
)
from tests.exchange.schema import dooh_errors, schema_errors
from tests.factories import account, api_caller

BEHAVIOURS: dict[str, dict[str, Any]] = {
    "alpha": {"mode": "bid", "price": "5.00", "currency": "USD"},
    "beta": {"mode": "bid", "price": "4.00", "currency": "USD"},
}
ADS = f"{P}/player/ads"


@pytest.fixture(scope="module")
def dsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One test DSP process bidding as alpha (5.00 USD) and beta (4.00 USD)."""
    with running_dsp(BEHAVIOURS, tmp_path_factory.mktemp("dsp")) as base:
        yield base


@pytest.fixture
def app(
    settings: Settings, session_factory: sessionmaker[Session], dsp: str, tmp_path: Path
) -> FastAPI:
    """The app with alpha and beta as its bidders."""
    # These tests are about auctions, not reviews: the approval gate is off (test_ops_e2e.py).
    return app_with_dsp(settings, session_factory, dsp, tmp_path, BEHAVIOURS, gated=False)


@pytest.fixture
def screen_id(client: TestClient, owners: Owners) -> int:
    """Owner A's roadside board (floor 1 500 ₸ = 3.00 USD, audience 12.5 per play)."""
    return open_screen(client, owners.a.headers, "ALA-PLAY-1")


def _ask(client: TestClient, headers: dict[str, str], screen_id: int | None, **extra: Any) -> Any:
    body: dict[str, Any] = {"plays_at": soon(), **extra}
    if screen_id is not None:
        body["screen_id"] = screen_id
    return client.post(ADS, json=body, headers=headers)


def _proof(played_at: dt.datetime | None = None, percent: str = "100") -> dict[str, Any]:
    return {
        "played_at": (played_at or utcnow()).isoformat(),
        "duration_seconds": "10",
        "percent_shown": percent,
    }


def test_a_player_gets_a_filled_ad(
    client: TestClient, owners: Owners, screen_id: int, dsp: str
) -> None:
    httpx.delete(f"{dsp}/_log")
    response = _ask(client, owners.a.headers, screen_id)
    assert response.status_code == 200, response.text
    ad = response.json()
    check_golden("player/ad_response.json", normalised(ad))
    assert ad["bidder"] == "alpha"
    assert ad["tracking"]["proof_of_play_url"].endswith(f"/leases/{ad['lease_id']}/proof")
    expires = dt.datetime.fromisoformat(ad["expires_at"])
    plays = dt.datetime.fromisoformat(ad["plays_at"])
    assert expires - plays == dt.timedelta(seconds=10 + 900)  # slot + grace
    for name in BEHAVIOURS:
        [request] = dsp_log(dsp, name)["requests"]
        request.pop("_headers")
        assert schema_errors(request) == []
        assert dooh_errors(request) == []
        assert request["dooh"]["id"] == str(screen_id)
    [win] = wait_for_notices(dsp, "alpha", "n", 1)
    # Second price: beta's 4.00 USD + 0.01.
    assert (win["price"], win["cur"]) == ("4.01", "USD")


def test_proof_of_play_bills_exactly_once_and_fires_burl(
    client: TestClient, session: Session, owners: Owners, screen_id: int, dsp: str
) -> None:
    httpx.delete(f"{dsp}/_log")
    lease = _ask(client, owners.a.headers, screen_id).json()
    url = f"{P}/player/leases/{lease['lease_id']}"
    first = client.post(f"{url}/proof", json=_proof(), headers=owners.a.headers)
    assert first.status_code == 200, first.text
    proof = first.json()
    check_golden("player/proof_response.json", normalised(proof))
    # 4.01 USD per thousand × 12.5 people per play = 0.050125 USD; at 500 ₸/USD 25.0625 ₸,
    # of which the exchange keeps 15 %: 3.759375 ₸, the owner 21.303125 ₸.
    billing = proof["billing"]
    assert (billing["cost"], billing["cost_kzt"]) == ("0.050125", "25.0625")
    assert (billing["exchange_kzt"], billing["owner_kzt"]) == ("3.759375", "21.303125")
    again = client.post(f"{url}/proof", json=_proof(percent="50"), headers=owners.a.headers)
    assert again.status_code == 200
    assert again.json() | {"replayed": False} == proof
    assert again.json()["replayed"] is True
    rows = session.scalar(select(func.count()).select_from(PlayBilling)) or 0
    assert rows == 1
    [burl] = wait_for_notices(dsp, "alpha", "b", 1)
    assert (burl["price"], burl["mult"]) == ("4.01", "12.5")
    shown = client.get(url, headers=owners.a.headers).json()
    assert (shown["status"], shown["billed"], shown["percent_shown"]) == ("played", True, "100")
    session.expire_all()
    stored = session.scalars(select(PlayBilling)).one()  # read back from the database
    assert (stored.cost, stored.owner_kzt) == (Decimal("0.050125"), Decimal("21.303125"))
    assert shown["billing"] == billing


def test_a_partly_shown_play_is_recorded_but_not_billed(
    client: TestClient, owners: Owners, screen_id: int
) -> None:
    lease = _ask(client, owners.a.headers, screen_id).json()
    url = f"{P}/player/leases/{lease['lease_id']}/proof"
    proof = client.post(url, json=_proof(percent="62.5"), headers=owners.a.headers).json()
    assert (proof["status"], proof["billed"], proof["billing"]) == ("played", False, None)


def test_release_cancels_the_lease_with_a_loss_notice(
    client: TestClient, session: Session, owners: Owners, screen_id: int, dsp: str
) -> None:
    httpx.delete(f"{dsp}/_log")
    lease = _ask(client, owners.a.headers, screen_id).json()
    url = f"{P}/player/leases/{lease['lease_id']}"
    released = client.post(f"{url}/release", headers=owners.a.headers)
    assert released.status_code == 200, released.text
    assert released.json() == {
        "lease_id": lease["lease_id"],
        "status": "released",
        "replayed": False,
    }
    again = client.post(f"{url}/release", headers=owners.a.headers).json()
    assert again["replayed"] is True
    refused = client.post(f"{url}/proof", json=_proof(), headers=owners.a.headers)
    assert refused.status_code == 409
    assert refused.json()["field"] == "lease_id"
    assert session.scalar(select(func.count()).select_from(PlayBilling)) == 0
    losses = wait_for_notices(dsp, "alpha", "l", 1)
    assert [(n["loss"], n.get("price")) for n in losses] == [("2", None)]  # no price told
    assert not [n for n in dsp_log(dsp, "alpha")["notices"] if n["kind"] == "b"]


def test_a_proof_after_expiry_is_refused(
    client: TestClient, session: Session, owners: Owners, screen_id: int
) -> None:
    lease = _ask(client, owners.a.headers, screen_id).json()
    session.execute(
        update(Lease)
        .where(Lease.code == lease["lease_id"])
        .values(expires_at=utcnow() - dt.timedelta(seconds=1))
    )
    session.commit()
    refused = client.post(
        f"{P}/player/leases/{lease['lease_id']}/proof",
        json=_proof(utcnow() - dt.timedelta(minutes=1)),
        headers=owners.a.headers,
    )
    assert refused.status_code == 410, refused.text
    assert refused.json()["error"] == "lease_expired"
    assert "expired at" in refused.json()["detail"]
    assert session.scalar(select(Lease.status).where(Lease.code == lease["lease_id"])) is (
        LeaseStatus.LEASED
    )


def test_bad_play_times_are_refused_naming_the_field(
    client: TestClient, owners: Owners, screen_id: int
) -> None:
    late = _ask(client, owners.a.headers, screen_id, plays_at=soon(31))
    assert (late.status_code, late.json()["field"]) == (400, "plays_at")
    past = _ask(client, owners.a.headers, screen_id, plays_at=soon(-5))
    assert (past.status_code, past.json()["field"]) == (400, "plays_at")
    lease = _ask(client, owners.a.headers, screen_id).json()
    future = client.post(
        f"{P}/player/leases/{lease['lease_id']}/proof",
        json=_proof(utcnow() + dt.timedelta(minutes=10)),
        headers=owners.a.headers,
    )
    assert (future.status_code, future.json()["field"]) == (400, "played_at")
    naive = client.post(
        ADS,
        json={"screen_id": screen_id, "plays_at": "2030-01-01T10:00:00"},
        headers=owners.a.headers,
    )
    assert naive.status_code == 422


def test_other_tenants_get_404(client: TestClient, owners: Owners, screen_id: int) -> None:
    lease = _ask(client, owners.a.headers, screen_id).json()
    url = f"{P}/player/leases/{lease['lease_id']}"
    for caller in (owners.b, owners.advertiser):
        assert _ask(client, caller.headers, screen_id).status_code == 404
        assert client.get(url, headers=caller.headers).status_code == 404
        assert client.post(f"{url}/proof", json=_proof(), headers=caller.headers).status_code == 404
        assert client.post(f"{url}/release", headers=caller.headers).status_code == 404
    # The lease is untouched and the network's own key sees it.
    shown = client.get(url, headers=owners.admin.headers)
    assert (shown.status_code, shown.json()["status"]) == (200, "leased")


def test_player_tokens_drive_their_own_screen_only(
    client: TestClient, session: Session, owners: Owners, screen_id: int
) -> None:
    other = open_screen(client, owners.a.headers, "ALA-PLAY-2")
    issued = client.post(
        f"{P}/screens/{screen_id}/player-tokens",
        json={"name": "lobby player"},
        headers=owners.a.headers,
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    assert token.startswith("jp_")
    player = {"Authorization": f"Bearer {token}"}
    filled = _ask(client, player, None)
    assert filled.status_code == 200, filled.text
    assert filled.json()["screen_id"] == screen_id
    assert _ask(client, player, other).status_code == 404
    other_lease = _ask(client, owners.a.headers, other).json()
    assert (
        client.get(f"{P}/player/leases/{other_lease['lease_id']}", headers=player).status_code
        == 404
    )
    proof = client.post(
        f"{P}/player/leases/{filled.json()['lease_id']}/proof", json=_proof(), headers=player
    )
    assert proof.status_code == 200
    forged = {"Authorization": f"Bearer {token[:-4]}xxxx"}
    assert _ask(client, forged, None).status_code == 401
    # Another media owner cannot issue a token for this screen.
    foreign = client.post(
        f"{P}/screens/{screen_id}/player-tokens", json={}, headers=owners.b.headers
    )
    assert foreign.status_code == 404


def test_keys_need_the_auctions_scope_and_creators_are_refused(
    client: TestClient, session: Session, owners: Owners, screen_id: int
) -> None:
    read_only = api_caller(session, account_id=owners.a_id, scopes=(Scope.READ, Scope.MANAGE))
    assert _ask(client, read_only.headers, screen_id).status_code == 403
    blogger = account(session, "Blogger", kind=AccountKind.CREATOR)
    session.flush()
    creator = api_caller(session, role=Role.CREATOR, account_id=blogger.id)
    assert _ask(client, creator.headers, screen_id).status_code == 403
    assert client.post(ADS, json={"plays_at": soon()}).status_code == 401


def test_no_bid_answers_204(client: TestClient, owners: Owners, screen_id: int, dsp: str) -> None:
    for name in BEHAVIOURS:
        httpx.put(f"{dsp}/_config/{name}", json={"mode": "no_content"})
    try:
        response = _ask(client, owners.a.headers, screen_id)
        assert (response.status_code, response.content) == (204, b"")
    finally:
        for name, behaviour in BEHAVIOURS.items():
            httpx.put(f"{dsp}/_config/{name}", json=behaviour)


def test_a_screen_change_is_sold_at_once(
    client: TestClient, owners: Owners, screen_id: int
) -> None:
    # A floor above both bids: nothing clears; back down: alpha wins again.
    patch = client.patch(
        f"{P}/screens/{screen_id}", json={"floor_cpm": "5000"}, headers=owners.a.headers
    )
    assert patch.status_code == 200
    assert _ask(client, owners.a.headers, screen_id).status_code == 204
    client.patch(f"{P}/screens/{screen_id}", json={"floor_cpm": "1500"}, headers=owners.a.headers)
    assert _ask(client, owners.a.headers, screen_id).status_code == 200


# --- billing exactness -----------------------------------------------------------------------

PRICES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=4)
MULTIPLIERS = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1000000"), places=4)
RATES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=6)
SHARES = st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=4)


@given(price=PRICES, multiplier=MULTIPLIERS, rate=RATES, share=SHARES)
def test_cost_per_play_is_exact(
    price: Decimal, multiplier: Decimal, rate: Decimal, share: Decimal
) -> None:
    lease = Lease(
        id=1,
        account_id=1,
        screen_id=1,
        bidder="alpha",
        deal_code=None,
        currency="USD",
        price=price,
        price_kzt=price * rate,
        multiplier=multiplier,
    )
    row = billing_row(lease, utcnow(), share)
    with localcontext() as exact:
        exact.prec = 100  # the checks themselves must not round (the default keeps 28 digits)
        # Nothing is rounded: multiplying back gives the inputs to the last digit.
        assert row.cost * 1000 == price * multiplier
        assert row.cost_kzt * 1000 == price * rate * multiplier
        assert row.owner_kzt + row.exchange_kzt == row.cost_kzt
        assert row.exchange_kzt == row.cost_kzt * share
    assert play_cost(price, multiplier) == row.cost


def test_an_unsold_slot_plays_the_house_campaign_unbilled(
    client: TestClient, owners: Owners, screen_id: int, dsp: str
) -> None:
    campaign = client.post(
        f"{P}/dco/campaigns",
        json={
            "name": "Own promo",
            "kind": "house",
            "screen_ids": [screen_id],
            "variants": [
                {
                    "name": "promo",
                    "creative_url": "https://cdn.example/promo.jpg",
                    "duration_seconds": 10,
                    "is_default": True,
                }
            ],
        },
        headers=owners.a.headers,
    )
    assert campaign.status_code == 201, campaign.text
    assert _ask(client, owners.a.headers, screen_id).json()["bidder"] == "alpha"  # sold first
    for name in BEHAVIOURS:
        httpx.put(f"{dsp}/_config/{name}", json={"mode": "no_content"})
    try:
        ad = _ask(client, owners.a.headers, screen_id)
        assert ad.status_code == 200, ad.text
        body = ad.json()
        assert body["bidder"] == f"house:{campaign.json()['id']}"
        assert (body["creative"]["url"], body["creative"]["mime"]) == (
            "https://cdn.example/promo.jpg",
            "image/jpeg",
        )
        proof = client.post(
            f"{P}/player/leases/{body['lease_id']}/proof",
            json=_proof(),
            headers=owners.a.headers,
        ).json()
        assert (proof["status"], proof["billed"]) == ("played", False)
    finally:
        for name, behaviour in BEHAVIOURS.items():
            httpx.put(f"{dsp}/_config/{name}", json=behaviour)
