"""Golden cases per adapter: the requests each bidder is sent and the bids read back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from jarnama.core.errors import ConfigurationError
from jarnama.core.money import Currency
from jarnama.exchange.adapters import InboundResponse, adapter_for, parse_response
from jarnama.exchange.bidders import BidderSpec, load_bidders, packaged_bidders_dir
from jarnama.exchange.openrtb import RequestTerms, Slot, build_bid_request, dumps
from tests.exchange.golden import check_golden
from tests.exchange.samples import NOW, PLAYS_AT, RATES, deal, screen
from tests.exchange.schema import schema_errors


def _spec(**overrides: Any) -> BidderSpec:
    base: dict[str, Any] = {
        "code": "alpha",
        "name": "Alpha DSP",
        "endpoint": "http://127.0.0.1:9901/alpha/bid",
        "channels": ["dooh"],
        "media_types": ["banner", "video"],
        "currency": "USD",
    }
    return BidderSpec.model_validate(base | overrides)


def _request() -> dict[str, Any]:
    slot = Slot(screen=screen(deals=(deal(),)), plays_at=PLAYS_AT, auction_id="auction-1")
    terms = RequestTerms(at=2, tmax_ms=250, schain_asi="jarnama.kz")
    document: dict[str, Any] = json.loads(
        dumps(build_bid_request(slot, terms, currency=Currency.USD, rates=RATES, now=NOW))
    )
    return document


ADAPTER_CASES = {
    "openrtb26_banner_video": _spec(),
    "openrtb26_video_only": _spec(media_types=["video"]),
    "openrtb25_downgrade": _spec(openrtb_version="2.5"),
}


@pytest.mark.parametrize("name", sorted(ADAPTER_CASES))
def test_make_requests_golden(name: str) -> None:
    spec = ADAPTER_CASES[name]
    planned = adapter_for(spec).make_requests(_request(), spec)
    assert planned.errors == ()
    out = [
        {
            "uri": r.uri,
            "headers": dict(r.headers),
            "imp_ids": list(r.imp_ids),
            "body": json.loads(r.body),
        }
        for r in planned.requests
    ]
    if spec.openrtb_version == "2.6":
        assert all(schema_errors(r["body"]) == [] for r in out)
    check_golden(f"adapters/{name}.json", out)


def test_a_bidder_that_buys_nothing_offered_gets_no_request() -> None:
    spec = _spec(media_types=["native"])
    planned = adapter_for(spec).make_requests(_request(), spec)
    assert planned.requests == ()
    assert "none of the offered media types" in planned.errors[0].message
    site_only = _spec(channels=["site"])
    assert adapter_for(site_only).make_requests(_request(), site_only).requests == ()


RESPONSES: dict[str, tuple[int, bytes]] = {
    "no_content_204": (204, b""),
    "empty_object": (200, b"{}"),
    "empty_seatbid": (200, b'{"id":"auction-1","seatbid":[]}'),
    "nbr": (200, b'{"id":"auction-1","nbr":2}'),
    "http_500": (500, b"oops"),
    "malformed": (200, b'{"id":"x","seatbid":[{"bid":[{"price":1.0,'),
    "not_an_object": (200, b"[1,2]"),
    "two_seats": (
        200,
        json.dumps(
            {
                "id": "auction-1",
                "cur": "USD",
                "seatbid": [
                    {
                        "seat": "s1",
                        "bid": [
                            {
                                "id": "b1",
                                "impid": "1",
                                "price": 2.35,
                                "adm": "<img>",
                                "crid": "c1",
                                "adomain": ["shoro.kz"],
                                "cat": ["IAB8"],
                                "w": 1920,
                                "h": 1080,
                                "mtype": 1,
                                "dealid": "JRN-1",
                                "nurl": "http://n/${AUCTION_PRICE}",
                            },
                            {"id": "b2", "impid": "1", "price": "free"},
                        ],
                    },
                    {"bid": [{"id": "b3", "impid": "1", "price": 3, "dur": 10, "mtype": 2}]},
                    {"seat": "broken"},
                ],
            }
        ).encode(),
    ),
}


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_make_bids_golden(name: str) -> None:
    status, body = RESPONSES[name]
    result = parse_response("alpha", InboundResponse(status, body))
    out = {
        "bids": [
            {
                k: (str(v) if k == "price" else list(v) if isinstance(v, tuple) else v)
                for k, v in dataclasses.asdict(bid).items()
            }
            for bid in result.bids
        ],
        "errors": [{"kind": e.kind.value, "message": e.message} for e in result.errors],
        "nbr": result.nbr,
    }
    check_golden(f"adapters/bids_{name}.json", out)


def test_prices_are_read_as_exact_decimals() -> None:
    result = parse_response(
        "alpha", InboundResponse(200, b'{"seatbid":[{"bid":[{"id":"1","impid":"1","price":0.1}]}]}')
    )
    assert str(result.bids[0].price) == "0.1"


def test_bidder_files_load_and_every_problem_is_reported(tmp_path: Path) -> None:
    assert "example-dsp" in load_bidders(packaged_bidders_dir())
    (tmp_path / "good.yaml").write_text(
        "code: good\nname: Good\nendpoint: http://127.0.0.1:1/bid\nchannels: [dooh]\n"
        "media_types: [banner]\ncurrency: KZT\ntimeout_ms: 120\nqps: 50\ngzip: true\n"
    )
    assert load_bidders(tmp_path)["good"].gzip is True
    (tmp_path / "bad.yaml").write_text("code: other\nname: X\nendpoint: nope\nchannels: []\n")
    (tmp_path / "worse.yaml").write_text("code: [unclosed\n")
    with pytest.raises(ConfigurationError) as caught:
        load_bidders(tmp_path)
    message = caught.value.message
    assert "bad.yaml: endpoint" in message
    assert "bad.yaml: channels" in message
    assert "worse.yaml: not YAML" in message
    with pytest.raises(ValidationError):
        _spec(timeout_ms=1)
