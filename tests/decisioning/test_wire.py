"""The decision route's msgspec decoding and encoding say exactly what the pydantic models say."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import msgspec
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from jarnama.core.time import utcnow
from jarnama.decisioning import schemas
from jarnama.decisioning.schemas import (
    ID_MAX,
    BillingModel,
    DecisionRequestBody,
    DecisionResponse,
    LeanRequestBody,
    decode_request,
    encode_decision,
)
from jarnama.decisioning.service import decide, decide_json, decide_wire
from jarnama.decisioning.tokens import BidClaims, BidSigner
from tests.campaigns.helpers import World, build_world
from tests.decisioning.serving_helpers import live_banner, live_listing, runtime_of

PAIRS: list[tuple[type[msgspec.Struct], type[BaseModel]]] = [
    (schemas.LeanCandidates, schemas.CandidateProducts),
    (schemas.LeanPlacementAsk, schemas.PlacementAsk),
    (schemas.LeanContext, schemas.DecisionContext),
    (schemas.LeanRequestBody, schemas.DecisionRequestBody),
    (schemas.WireCreative, schemas.WinningCreative),
    (schemas.WireWinner, schemas.SlotWinner),
    (schemas.WirePlacement, schemas.PlacementResult),
    (schemas.WireDecision, schemas.DecisionResponse),
]


@pytest.mark.parametrize(("struct", "model"), PAIRS)
def test_each_struct_has_the_fields_of_its_model_in_the_same_order(
    struct: type[msgspec.Struct], model: type[BaseModel]
) -> None:
    assert struct.__struct_fields__ == tuple(model.model_fields)


def _ask(**fields: Any) -> dict[str, Any]:
    return {"placements": [{"placement": "search-top", **fields}]}


# Bodies at and beyond every constraint, and the lax inputs pydantic accepts and msgspec does not.
BODIES: list[Any] = [
    _ask(),
    _ask(slots=1),
    _ask(slots=50),
    _ask(slots=0),
    _ask(slots=51),
    _ask(slots="2"),
    _ask(slots=2.0),
    _ask(slots=True),
    _ask(slots=None),
    {"placements": [{"placement": ""}]},
    {"placements": [{"placement": "p" * 64}]},
    {"placements": [{"placement": "p" * 65}]},
    {"placements": [{"placement": 5}]},
    {"placements": [{}]},
    {"placements": []},
    {"placements": [{"placement": "a"}] * 20},
    {"placements": [{"placement": "a"}] * 21},
    {"placements": None},
    {},
    [],
    "text",
    _ask(search_query="q" * 500),
    _ask(search_query="q" * 501),
    _ask(search_query="молоко 🥛"),
    _ask(category_id=1),
    _ask(category_id=0),
    _ask(category_id=ID_MAX),
    _ask(category_id=ID_MAX + 1),
    _ask(category_id=-3),
    _ask(candidates={"ids": [1, 2, 3]}),
    _ask(candidates={"ids": [0, -1, 2**70]}),
    _ask(candidates={"ids": ["1"]}),
    _ask(candidates={"ids": [1.0]}),
    _ask(candidates={"skus": ["A-1", "Б-2"]}),
    _ask(candidates={"skus": [""]}),
    _ask(candidates={"skus": ["s" * 64]}),
    _ask(candidates={"skus": ["s" * 65]}),
    _ask(candidates={"skus": [1]}),
    _ask(candidates={"skus": ["A"], "ids": [1]}),
    _ask(candidates={"ids": [1], "quality_scores": [0.5]}),
    _ask(candidates={"ids": [1], "quality_scores": [1]}),
    _ask(candidates={"ids": [1], "quality_scores": ["0.5"]}),
    _ask(candidates={"ids": [1], "quality_scores": [2.5, -1]}),
    _ask(candidates={"ids": [1], "extra": 1}),
    _ask(candidates=None),
    _ask(candidates=[]),
    _ask(extra=1),
    {**_ask(), "extra": 1},
    {**_ask(), "user_id": "u" * 128},
    {**_ask(), "user_id": "u" * 129},
    {**_ask(), "user_id": None},
    {**_ask(), "user_id": 7},
    {**_ask(), "context": None},
    {**_ask(), "context": {}},
    {**_ask(), "context": {"city": "Алматы", "store_code": "ALA-1", "device": "ios"}},
    {**_ask(), "context": {"city": "c" * 101}},
    {**_ask(), "context": {"store_code": "s" * 65}},
    {**_ask(), "context": {"device": "d" * 51}},
    {**_ask(), "context": {"channel": "app"}},
    {**_ask(), "context": {"channel": "in_store"}},
    {**_ask(), "context": {"channel": "tv"}},
    {**_ask(), "context": {"channel": "APP"}},
    {**_ask(), "context": {"extra": 1}},
]
RAW = [
    b"",
    b"{",
    b'{"placements": [',
    b"null",
    b'{"placements": [{"placement": "a"}]}   \n',
    b'{"placements": [{"placement": "a"}], "placements": [{"placement": "b"}]}',
    b'{"placements": [{"placement": "a", "candidates": {"ids": [1], "quality_scores": [NaN]}}]}',
    b'{"placements": [{"placement": "\\ud800"}]}',
    b'{"placements": [{"placement": "\\u0430"}]}',
    b'{"placements": [{"placement": "a"}]} trailing',
    b"\xff\xfe",
]


def _outcome(decoded: Any) -> str:
    """What a decoded body says, as JSON text (the same for either shape; NaN equals NaN)."""
    if isinstance(decoded, BaseModel):
        data = decoded.model_dump(mode="json")
    else:
        data = msgspec.to_builtins(decoded)
    return json.dumps(data, sort_keys=True)


@pytest.mark.parametrize(
    "raw",
    [json.dumps(body, ensure_ascii=False).encode() for body in BODIES] + RAW,
)
def test_decoding_accepts_refuses_and_reads_what_pydantic_does(raw: bytes) -> None:
    try:
        expected = DecisionRequestBody.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        decoded = decode_request(raw)
        assert _outcome(decoded) == _outcome(expected)
        if isinstance(decoded, LeanRequestBody):
            assert type(decoded.context.channel) is type(expected.context.channel)
        return
    with pytest.raises(ValidationError) as refused:
        decode_request(raw)
    assert refused.value.errors() == errors  # the 422 names the same fields


def test_the_usual_body_is_decoded_by_msgspec() -> None:
    raw = json.dumps({**_ask(candidates={"skus": ["A", "B"]}), "user_id": "u"}).encode()
    assert isinstance(decode_request(raw), LeanRequestBody)


@pytest.fixture
def world(session: Session) -> World:
    """Advertisers A and B, a catalog with milk products, placements, callers."""
    return build_world(session)


def test_the_answer_is_byte_for_byte_the_response_model_json(
    client: TestClient, app: FastAPI, world: World
) -> None:
    live_listing(client, world.a, world.milk_a, bid_tiyn=300)
    live_listing(client, world.b, world.milk_b, bid_tiyn=200)
    live_banner(client, world)
    runtime = runtime_of(app)
    runtime.refresh()
    body = DecisionRequestBody.model_validate(
        {
            "placements": [
                {"placement": "search-top", "search_query": "молоко"},
                {"placement": "home-hero"},
                {"placement": "nowhere"},
            ],
            "user_id": "покупатель-1",
        }
    )
    wire = decide_wire(runtime, body, utcnow(), strict=False)
    kinds = [[w.kind for w in p.winners] for p in wire.placements]
    assert kinds == [["product", "product"], ["banner"], []]
    assert wire.placements[2].error is not None
    encoded = encode_decision(wire)
    response = wire.to_response()
    assert encoded == response.model_dump_json().encode()
    assert DecisionResponse.model_validate_json(encoded) == response  # every value checks
    failed = decide(runtime, body, strict=False).placements[2]  # the pydantic route
    assert failed.model_dump() == response.placements[2].model_dump()

    lean = decode_request(
        json.dumps({"placements": [{"placement": "home-hero"}], "user_id": "u"}).encode()
    )
    assert isinstance(lean, LeanRequestBody)
    answer = json.loads(decide_json(runtime, lean))
    (winner,) = answer["placements"][0]["winners"]
    assert winner["creative"]["width"] == 728
    assert winner["impression_url"].endswith(f"/t/i/{winner['resolved_bid_id']}")


def test_a_resolved_bid_id_is_the_documented_signed_payload() -> None:
    key = b"k" * 32
    signer = BidSigner("k1", {"k1": key, "k0": b"old"})
    claims = BidClaims(
        bid_id="AAAAAAAAAAAAAAAA",
        campaign_id=7,
        ad_group_id=8,
        account_id=9,
        placement_id=10,
        product_id=None,
        creative_id=11,
        price_tiyn=1_500,
        billing=BillingModel.CPM,
        landing_url="https://magnum.kz/сүт",
        issued_at=1_700_000_000,
        expires_at=1_700_086_400,
        user_id="покупатель",
    )
    fields = [1, "AAAAAAAAAAAAAAAA", 7, 8, 9, 10, None, 11, 1_500, "cpm"]
    fields += ["https://magnum.kz/сүт", 1_700_000_000, 1_700_086_400, "покупатель"]
    payload = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    signed = b"k1." + base64.urlsafe_b64encode(payload).rstrip(b"=")
    mac = hmac.new(key, signed, hashlib.sha256).digest()
    expected = (signed + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
    assert signer.sign(claims) == expected
    assert signer.sign(claims) == expected  # the keyed HMAC state is copied, never reused
    assert signer.verify(expected, dt.datetime.fromtimestamp(1_700_000_100, dt.UTC)) == claims
