"""End to end through the app and live test DSPs: the approval gate, traffic keywords in the bid
requests, and the report of what happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.time import business_day, utcnow
from tests.exchange.dsp_process import running_dsp
from tests.exchange.helpers import Owners
from tests.exchange.player_harness import (
    P,
    app_with_dsp,
    dsp_log,
    open_screen,
    soon,
)
from tests.exchange.schema import dooh_errors, schema_errors

BEHAVIOURS: dict[str, dict[str, Any]] = {
    "alpha": {"mode": "bid", "price": "5.00", "currency": "USD", "crid": "alpha-tea"},
    "beta": {"mode": "bid", "price": "4.00", "currency": "USD", "crid": "beta-cola"},
}


@pytest.fixture(scope="module")
def dsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One test DSP process bidding as alpha and beta."""
    with running_dsp(BEHAVIOURS, tmp_path_factory.mktemp("dsp")) as base:
        yield base


@pytest.fixture
def app(
    settings: Settings, session_factory: sessionmaker[Session], dsp: str, tmp_path: Path
) -> FastAPI:
    """The app with the approval gate on and alpha and beta as its bidders."""
    return app_with_dsp(settings, session_factory, dsp, tmp_path, BEHAVIOURS, gated=True)


def test_only_approved_creatives_win_and_the_report_shows_why(
    client: TestClient, owners: Owners, dsp: str
) -> None:
    h = owners.a.headers
    screen_id = open_screen(client, h, "ALA-OPS-1")
    pushed = client.post(
        f"{P}/signals/traffic", json={"city": "Almaty", "level": 6}, headers=owners.admin.headers
    )
    assert pushed.status_code == 201
    httpx.delete(f"{dsp}/_log")
    ads = f"{P}/player/ads"
    # Nothing reviewed yet: both creatives are refused and queued; no ad.
    first = client.post(ads, json={"screen_id": screen_id, "plays_at": soon()}, headers=h)
    assert first.status_code == 204, first.text
    queue = client.get(f"{P}/creatives", params={"status": "pending"}, headers=h).json()["items"]
    assert sorted((c["bidder"], c["crid"]) for c in queue) == [
        ("alpha", "alpha-tea"),
        ("beta", "beta-cola"),
    ]
    [request] = dsp_log(dsp, "alpha")["requests"]
    request.pop("_headers")
    assert schema_errors(request) == []
    assert dooh_errors(request) == []
    assert request["dooh"]["keywords"] == "traffic=6"
    # The owner approves alpha's creative only: alpha wins alone, at the floor + 0.01.
    alpha = next(c for c in queue if c["bidder"] == "alpha")
    review = client.post(
        f"{P}/creatives/{alpha['id']}/review", json={"decision": "approved"}, headers=h
    )
    assert review.status_code == 200
    second = client.post(ads, json={"screen_id": screen_id, "plays_at": soon()}, headers=h)
    assert second.status_code == 200, second.text
    ad = second.json()
    assert ad["bidder"] == "alpha"
    proof = client.post(
        f"{P}/player/leases/{ad['lease_id']}/proof",
        json={"played_at": utcnow().isoformat(), "duration_seconds": "10", "percent_shown": "100"},
        headers=h,
    )
    assert proof.status_code == 200, proof.text
    billed = proof.json()["billing"]
    today = business_day(utcnow())
    span = {"since": (today - dt.timedelta(days=1)).isoformat(), "until": today.isoformat()}
    report = client.get(f"{P}/reports", params=span | {"group_by": "bidder"}, headers=h).json()
    rows = {row["key"]: row for row in report["rows"]}
    assert (rows["alpha"]["auctions"], rows["alpha"]["wins"], rows["alpha"]["plays"]) == (2, 1, 1)
    assert rows["alpha"]["rejections"] == {"201": 1}
    assert rows["beta"]["rejections"] == {"201": 2}
    assert rows["alpha"]["spend_kzt"] == billed["cost_kzt"]
    assert report["totals"]["auctions"] == 2
    assert report["totals"]["owner_kzt"] == billed["owner_kzt"]
    # Another owner's report has none of it.
    other = client.get(f"{P}/reports", params=span, headers=owners.b.headers).json()
    assert other["rows"] == []
