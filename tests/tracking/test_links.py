"""Tracking links write their events to the intake; invalid traffic is kept, counted, not billed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.decisioning.models import SpendEntry
from jarnama.tracking import events as ev
from jarnama.tracking.log import read_log
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_listing, runtime_of

HUMAN = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36"}
BOT = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, a catalog with milk products, placements, callers."""
    return build_world(session)


def _logged(settings: Settings) -> list[ev.Event]:
    """The tracked events (without the decisions' served records, tests/measurement's)."""
    logged = [ev.decode(r.payload) for r in read_log(Path(settings.events.log_dir))]
    return [e for e in logged if not isinstance(e, ev.Served)]


def _charges(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(SpendEntry)) or 0)


def _invalid(app: FastAPI, kind: str, reason: str) -> float:
    labels = {"kind": kind, "reason": reason}
    value = app.state.metrics.registry.get_sample_value("jarnama_invalid_events_total", labels)
    return float(value or 0)


def _served_token(client: TestClient, app: FastAPI, world: World) -> str:
    live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    assert runtime_of(app).refresh() is True
    body = {"placements": [{"placement": "search-top", "search_query": "молоко"}]}
    response = client.post(
        "/api/v1/decisions", json={**body, "user_id": "card-1"}, headers=world.admin.headers
    )
    token: str = response.json()["placements"][0]["winners"][0]["resolved_bid_id"]
    return token


def test_pixel_and_click_are_written_with_their_ad_then_billed(
    client: TestClient, app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    token = _served_token(client, app, world)
    for _ in range(2):  # a reloaded pixel is one impression
        assert client.get(f"/t/i/{token}", headers=HUMAN).status_code == 200
    assert client.get(f"/t/c/{token}", headers=HUMAN).status_code == 204
    impression, click = _logged(settings)
    assert isinstance(impression, ev.Impression)
    assert isinstance(click, ev.Click)
    assert click.ad is not None
    assert impression.ad == click.ad
    assert click.ad.campaign_id > 0
    assert click.ad.user_id == "card-1"
    assert click.ad.product_id == world.milk_a
    assert (impression.ivt, click.ivt) == (None, None)
    assert click.user_agent == HUMAN["User-Agent"]
    assert _charges(session) == 1  # the CPC click


def test_bot_clicks_are_kept_and_counted_but_never_billed(
    client: TestClient, app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    token = _served_token(client, app, world)
    assert client.get(f"/t/i/{token}", headers=BOT).status_code == 200
    assert client.get(f"/t/c/{token}", headers=BOT).status_code == 204
    assert [e.ivt for e in _logged(settings)] == ["bot_user_agent", "bot_user_agent"]
    assert _charges(session) == 0
    assert _invalid(app, "click", "bot_user_agent") == 1
    assert _invalid(app, "impression", "bot_user_agent") == 1
    scraped = client.get("/metrics").text
    assert 'jarnama_invalid_events_total{kind="click",reason="bot_user_agent"} 1.0' in scraped


def test_a_repeated_click_is_invalid_and_the_first_one_alone_is_billed(
    client: TestClient, app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    token = _served_token(client, app, world)
    for _ in range(3):
        assert client.get(f"/t/c/{token}", headers=HUMAN).status_code == 204
    clicks = _logged(settings)
    assert [c.ivt for c in clicks] == [None, "repeated_click", "repeated_click"]
    assert len({c.id for c in clicks}) == 3  # kept, not merged as duplicates
    assert _charges(session) == 1
    assert _invalid(app, "click", "repeated_click") == 2


def test_a_click_without_a_genuine_token_is_refused_and_kept_as_invalid(
    client: TestClient, app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    token = _served_token(client, app, world)
    kid, payload, signature = token.split(".")
    forged = f"{kid}.{payload}.{signature[::-1]}"
    assert client.get(f"/t/c/{forged}", headers=HUMAN).status_code == 400
    assert client.get(f"/t/i/{forged}", headers=HUMAN).status_code == 400
    (orphan,) = _logged(settings)  # an impression needs an ad: only the click is kept
    assert isinstance(orphan, ev.Click)
    assert orphan.ad is None
    assert orphan.ivt == "no_served_decision"
    assert _invalid(app, "click", "no_served_decision") == 1
    assert _charges(session) == 0
