"""Context signals: the Open-Meteo adapter on a real loopback server, the cache, the traffic push
API, and the signals in outbound BidRequests (valid OpenRTB 2.6) and at a live test DSP."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.core.money import Currency
from jarnama.exchange.bidders import BidderSpec
from jarnama.exchange.core import Exchange, make_client
from jarnama.exchange.notices import NoticeSender
from jarnama.exchange.openrtb import RequestTerms, Slot, build_bid_request, dumps
from jarnama.exchange.ops_settings import SignalSettings
from jarnama.exchange.settings import ExchangeSettings
from jarnama.exchange.signals import (
    OpenMeteoProvider,
    Precipitation,
    SignalHub,
    Signals,
    parse_open_meteo,
)
from tests.exchange.dsp_process import running_dsp
from tests.exchange.helpers import Owners, audit_count
from tests.exchange.samples import NOW, PLAYS_AT, RATES, screen
from tests.exchange.schema import dooh_errors, schema_errors

FIXTURE = Path(__file__).parent / "fixtures" / "open_meteo_almaty.json"
# The fixture is Almaty local time (UTC+5): 08:00 local is 03:00 UTC.
EIGHT_LOCAL = dt.datetime(2030, 6, 4, 3, 0, tzinfo=dt.UTC)
FIVE_PM_LOCAL = dt.datetime(2030, 6, 4, 12, 20, tzinfo=dt.UTC)
P = "/api/v1/exchange/signals/traffic"
RATES_CUR = Currency.KZT


def test_open_meteo_hourly_and_current_are_read_in_utc() -> None:
    forecast = parse_open_meteo(json.loads(FIXTURE.read_text()))
    assert len(forecast.hourly) == 24
    morning = forecast.at(EIGHT_LOCAL + dt.timedelta(minutes=40))
    assert morning is not None
    assert (morning.at, morning.temperature_c, morning.precipitation) == (
        EIGHT_LOCAL,
        Decimal("14.9"),
        Precipitation.NONE,
    )
    rainy = forecast.at(FIVE_PM_LOCAL)
    assert rainy is not None
    assert (rainy.precipitation, rainy.precipitation_mm) == (Precipitation.RAIN, Decimal("1.4"))
    # An hour outside the forecast falls back to the current conditions (08:45 local).
    current = forecast.at(dt.datetime(2030, 6, 9, tzinfo=dt.UTC))
    assert current is not None
    assert current.temperature_c == Decimal("14.2")
    assert current.at == dt.datetime(2030, 6, 4, 3, 45, tzinfo=dt.UTC)


def test_snow_is_told_by_amount_or_weather_code() -> None:
    document = {
        "utc_offset_seconds": 0,
        "hourly": {
            "time": ["2030-01-10T06:00", "2030-01-10T07:00"],
            "temperature_2m": [-8.5, -9.0],
            "snowfall": [0.0, 0.7],
            "weather_code": [73, 3],
        },
    }
    forecast = parse_open_meteo(document)
    assert [r.precipitation for r in forecast.hourly] == [Precipitation.SNOW, Precipitation.SNOW]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"hourly": {"time": ["2030-01-10T06:00"], "temperature_2m": [1, 2]}}, None),
        ({"hourly": {"time": "2030-01-10T06:00"}}, "hourly.time"),
        ({"latitude": 43.2}, "current"),
    ],
)
def test_malformed_forecasts_are_refused_with_the_field(
    document: dict[str, Any], field: str | None
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_open_meteo(document)
    assert caught.value.field == field
    if field is None:
        assert "hourly.temperature_2m" in caught.value.message


class _Forecasts(BaseHTTPRequestHandler):
    """Serves the fixture at /v1/forecast (or 500 while `failing`) and logs the queries."""

    queries: ClassVar[list[dict[str, list[str]]]] = []
    failing = False

    def do_GET(self) -> None:
        url = urlparse(self.path)
        type(self).queries.append(parse_qs(url.query))
        if type(self).failing or url.path != "/v1/forecast":
            self.send_response(500)
            self.end_headers()
            return
        body = FIXTURE.read_bytes()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def forecast_server() -> Iterator[str]:
    """A real HTTP server on loopback answering in the Open-Meteo format."""
    _Forecasts.queries = []
    _Forecasts.failing = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forecasts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/forecast"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _refreshed(hub: SignalHub) -> int:
    count = await hub.refresh_weather()
    if hub.weather is not None:
        assert isinstance(hub.weather, OpenMeteoProvider)
        await hub.weather.client.aclose()
    return count


def test_the_hub_fetches_over_http_caches_and_refetches_after_the_ttl(
    forecast_server: str,
) -> None:
    settings = SignalSettings(open_meteo_url=forecast_server, weather_ttl_seconds=60)
    clock = _Clock()

    def hub_with_client(previous: SignalHub | None = None) -> SignalHub:
        provider = OpenMeteoProvider(httpx.AsyncClient(), settings)
        if previous is None:
            return SignalHub(provider, settings, clock)
        previous.weather = provider
        return previous

    hub = hub_with_client()
    board = screen()
    # Nothing cached yet: no weather (the auction does not wait), and the place is wanted.
    assert hub.current(board, EIGHT_LOCAL, now=NOW) == Signals()
    assert asyncio.run(_refreshed(hub)) == 1
    [query] = _Forecasts.queries
    # The cell of the screen (0.1°), not the screen itself: neighbours share one call.
    assert query["latitude"] == ["43.2"]
    assert query["longitude"] == ["76.9"]
    assert query["timezone"] == ["GMT"]
    assert "temperature_2m" in query["hourly"][0]
    assert "weather_code" in query["current"][0]
    got = hub.current(board, FIVE_PM_LOCAL, now=NOW)
    assert (got.temperature_c, got.precipitation) == (Decimal("22.7"), Precipitation.RAIN)
    # A neighbour in the same 0.1° cell shares the cached forecast: no new call.
    hub.current(screen(lat=Decimal("43.2401")), EIGHT_LOCAL, now=NOW)
    assert asyncio.run(_refreshed(hub_with_client(hub))) == 0
    assert len(_Forecasts.queries) == 1
    # After the TTL it is fetched again; a failure keeps the old forecast.
    clock.now += 61
    _Forecasts.failing = True
    hub.current(board, EIGHT_LOCAL, now=NOW)
    assert asyncio.run(_refreshed(hub_with_client(hub))) == 0
    assert len(_Forecasts.queries) == 2
    assert hub.current(board, EIGHT_LOCAL, now=NOW).temperature_c == Decimal("14.9")


def test_traffic_readings_go_stale_after_the_ttl() -> None:
    hub = SignalHub(None, SignalSettings(traffic_ttl_seconds=600))
    hub.set_traffic(" ALMATY ", 7, NOW - dt.timedelta(minutes=9))
    assert hub.current(screen(), PLAYS_AT, now=NOW).traffic_level == 7
    assert hub.current(screen(), PLAYS_AT, now=NOW + dt.timedelta(minutes=2)).traffic_level is None
    assert hub.current(screen(city="Astana"), PLAYS_AT, now=NOW).traffic_level is None


SIGNALS = Signals(Decimal("-7.4"), Precipitation.SNOW, Decimal("0.6"), 8)


def test_signals_go_into_the_bid_request_as_keywords_and_imp_ext() -> None:
    terms = RequestTerms(at=2, tmax_ms=280, schain_asi="jarnama.kz")
    slot = Slot(screen=screen(), plays_at=PLAYS_AT, auction_id="a-1", context=SIGNALS)
    request = json.loads(
        dumps(build_bid_request(slot, terms, currency=RATES_CUR, rates=RATES, now=NOW))
    )
    assert schema_errors(request) == []
    assert dooh_errors(request) == []
    assert request["dooh"]["keywords"] == "temperature_c=-7,weather=snow,traffic=8"
    assert request["imp"][0]["ext"]["context"] == {
        "temperature_c": -7.4,
        "precipitation": "snow",
        "precipitation_mm": 0.6,
        "traffic_level": 8,
    }
    bare = build_bid_request(
        Slot(screen=screen(), plays_at=PLAYS_AT, auction_id="a-2", context=Signals()),
        terms,
        currency=RATES_CUR,
        rates=RATES,
        now=NOW,
    )
    assert "keywords" not in bare["dooh"]
    assert "ext" not in bare["imp"][0]


def test_the_exchange_sends_the_hubs_signals_to_a_live_dsp(tmp_path: Path) -> None:
    behaviours = {"alpha": {"mode": "bid", "price": "5.00", "currency": "USD"}}
    with running_dsp(behaviours, tmp_path) as base:
        hub = SignalHub(None, SignalSettings())
        hub.set_traffic("Almaty", 4, NOW)

        async def go() -> Any:
            settings = ExchangeSettings(tmax_ms=300)
            client = make_client(settings)
            notices = NoticeSender(client, attempts=1, backoff_ms=10)
            spec = BidderSpec.model_validate(
                {
                    "code": "alpha",
                    "name": "Alpha",
                    "endpoint": f"{base}/alpha/bid",
                    "channels": ["dooh"],
                    "media_types": ["banner", "video"],
                }
            )
            exchange = Exchange({"alpha": spec}, settings, client, notices)
            exchange.signals = hub
            try:
                slot = Slot(screen=screen(), plays_at=PLAYS_AT, auction_id="sig-1")
                return await exchange.auction(slot, RATES, now=NOW)
            finally:
                await notices.close()
                await client.aclose()

        auction = asyncio.run(go())
        assert auction.result.win is not None
        [received] = httpx.get(f"{base}/_log/alpha").json()["requests"]
        received.pop("_headers")
        assert schema_errors(received) == []
        assert dooh_errors(received) == []
        assert received["dooh"]["keywords"] == "traffic=4"
        assert received["imp"][0]["ext"]["context"] == {"traffic_level": 4}


# --- the push API ----------------------------------------------------------------------------


def test_a_network_admin_pushes_traffic_and_everyone_reads_the_latest(
    client: TestClient, session: Session, owners: Owners
) -> None:
    admin = owners.admin.headers
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    first = client.post(P, json={"city": "Almaty", "level": 3, "observed_at": old}, headers=admin)
    assert first.status_code == 201, first.text
    assert first.json()["stale"] is True
    second = client.post(
        P, json={"city": " almaty ", "level": 8, "source": "city-its"}, headers=admin
    )
    assert second.status_code == 201
    assert (second.json()["city"], second.json()["stale"]) == ("almaty", False)
    client.post(P, json={"city": "Astana", "level": 5}, headers=admin)
    listed = client.get(P, headers=owners.a.headers)
    assert listed.status_code == 200
    assert [(r["city"], r["level"], r["stale"]) for r in listed.json()] == [
        ("almaty", 8, False),
        ("astana", 5, False),
    ]
    assert audit_count(session, "exchange_traffic_reading") == 3


def test_only_network_admins_push_and_bad_levels_name_the_field(
    client: TestClient, owners: Owners
) -> None:
    refused = client.post(P, json={"city": "Almaty", "level": 3}, headers=owners.a.headers)
    assert refused.status_code == 403
    bad = client.post(P, json={"city": "Almaty", "level": 11}, headers=owners.admin.headers)
    assert bad.status_code == 422
    assert "level" in bad.text
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    ahead = client.post(
        P, json={"city": "Almaty", "level": 3, "observed_at": future}, headers=owners.admin.headers
    )
    assert ahead.status_code == 400
    assert ahead.json()["field"] == "observed_at"
