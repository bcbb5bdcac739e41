"""Golden tests of the pure Topsort ⇄ native translators on the spec's own examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from jarnama.decisioning.schemas import (
    BillingModel,
    CandidateProducts,
    DecisionContext,
    DecisionRequestBody,
    PlacementAsk,
    PlacementResult,
    SlotWinner,
    WinnerKind,
    WinningCreative,
)
from jarnama.topsort import translate
from jarnama.topsort.schemas import (
    AuctionRequest,
    AuctionsRequest,
    AuctionsResponse,
    BannersAuction,
    EventsRequest,
    SponsoredListingsAuction,
)
from jarnama.topsort.translate import CategoryDirectory, PlacementRouting
from tests.topsort import spec_examples as ex

SPEC = Path(__file__).resolve().parents[3] / "shared/fixtures/topsort/topsort-api-v2.yml"
ROUTING = PlacementRouting(placement_ids={7: "home-banner"}, banner_slots={"hero": "home-banner"})
CATEGORIES = CategoryDirectory({"dairy": 10, "dairy/yogurt": 11, "dairy/milk": 12, "c_yogurt": 13})
AUCTION = TypeAdapter(AuctionRequest)


def listings(body: dict[str, Any]) -> SponsoredListingsAuction:
    """A parsed listings auction."""
    auction = AUCTION.validate_python(body)
    assert isinstance(auction, SponsoredListingsAuction)
    return auction


def banners(body: dict[str, Any]) -> BannersAuction:
    """A parsed banner auction."""
    auction = AUCTION.validate_python(body)
    assert isinstance(auction, BannersAuction)
    return auction


def slot_winner(rank: int, **fields: Any) -> SlotWinner:
    """A native winner with plausible defaults."""
    values: dict[str, Any] = {
        "rank": rank,
        "kind": WinnerKind.PRODUCT,
        "product_id": 100 + rank,
        "sku": f"p_{rank}",
        "campaign_id": 7,
        "ad_group_id": 70,
        "resolved_bid_id": f"rb{rank}",
        "billing": BillingModel.CPC,
        "price_tiyn": 1500,
        "impression_url": f"http://t/i/rb{rank}",
        "click_url": f"http://t/c/rb{rank}",
    }
    values.update(fields)
    return SlotWinner(**values)


# --- the spec's examples parse -------------------------------------------------------------


def _spec() -> dict[str, Any]:
    if not SPEC.exists():
        pytest.skip(f"the Topsort spec is not at {SPEC} (the copies here are still tested)")
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return loaded


def test_copied_examples_are_the_specs_own() -> None:
    spec = _spec()
    auctions = spec["paths"]["/v2/auctions"]["post"]
    request_examples = auctions["requestBody"]["content"]["application/json"]["examples"]
    response_examples = auctions["responses"]["201"]["content"]["application/json"]["examples"]
    schemas = spec["components"]["schemas"]
    assert request_examples["default"]["value"] == ex.AUCTIONS_BASIC_LISTINGS
    assert request_examples["externalDemand"]["value"] == ex.AUCTIONS_EXTERNAL_DEMAND
    assert response_examples["listingsAndBanners"]["value"] == ex.RESULTS_LISTINGS_AND_BANNERS
    assert response_examples["empty"]["value"] == ex.RESULTS_EMPTY
    assert schemas["SponsoredListingsAuction"]["examples"][0] == ex.LISTINGS_AUCTION_GEO
    assert schemas["BannersAuction"]["examples"][0] == ex.BANNERS_AUCTION_CATEGORY
    assert schemas["EventsRequest"]["examples"] == [
        ex.EVENTS_IMPRESSIONS,
        ex.EVENTS_CLICKS,
        ex.EVENTS_PURCHASES,
        ex.EVENTS_PAGEVIEWS,
    ]


@pytest.mark.parametrize(
    "body",
    [
        ex.AUCTIONS_BASIC_LISTINGS,
        ex.AUCTIONS_EXTERNAL_DEMAND,
        {"auctions": [ex.LISTINGS_AUCTION_GEO, ex.BANNERS_AUCTION_CATEGORY]},
        {"auctions": [{"type": "listings", "slots": 1, "category": ex.CATEGORY_MULTIPLE}]},
        {"auctions": [{"type": "listings", "slots": 1, "category": ex.CATEGORY_DISJUNCTIONS}]},
    ],
)
def test_spec_auction_requests_parse(body: dict[str, Any]) -> None:
    request = AuctionsRequest.model_validate(body)
    assert len(request.auctions) == len(body["auctions"])


@pytest.mark.parametrize("body", [ex.RESULTS_LISTINGS_AND_BANNERS, ex.RESULTS_EMPTY])
def test_spec_auction_responses_round_trip(body: dict[str, Any]) -> None:
    response = AuctionsResponse.model_validate(body)
    assert response.model_dump(by_alias=True, exclude_none=True) == body


@pytest.mark.parametrize(
    "body", [ex.EVENTS_IMPRESSIONS, ex.EVENTS_CLICKS, ex.EVENTS_PURCHASES, ex.EVENTS_PAGEVIEWS]
)
def test_spec_event_batches_parse(body: dict[str, Any]) -> None:
    request = EventsRequest.model_validate(body)
    assert request.model_dump(by_alias=True, exclude_none=True, mode="json").keys() == body.keys()


# --- Topsort auction → native request ------------------------------------------------------


def test_basic_listings_auction_becomes_one_native_placement_of_skus() -> None:
    (auction,) = AuctionsRequest.model_validate(ex.AUCTIONS_BASIC_LISTINGS).auctions
    native = translate.plan_auction(auction, ROUTING, CATEGORIES)
    assert native == DecisionRequestBody(
        placements=[
            PlacementAsk(
                placement="search-results",
                slots=2,
                candidates=CandidateProducts(skus=["p_PJbnN", "p_ojng4"]),
            )
        ],
    )


def test_geo_targeting_and_user_and_scores_are_carried() -> None:
    body = dict(ex.LISTINGS_AUCTION_GEO, opaqueUserId="71303ce0-de89-496d-8270-6434589615e8")
    body["products"] = dict(body["products"], qualityScores=[0.9, 0.5, 0.25, 1])
    native = translate.plan_auction(listings(body), ROUTING, CATEGORIES)
    assert isinstance(native, DecisionRequestBody)
    assert native.user_id == "71303ce0-de89-496d-8270-6434589615e8"
    assert native.context == DecisionContext(city="New York")
    (ask,) = native.placements
    assert ask.candidates == CandidateProducts(
        skus=["p_PJbnN", "p_ojng4", "p_8VKDt", "p_Mfk15"], quality_scores=[0.9, 0.5, 0.25, 1.0]
    )


@pytest.mark.parametrize(
    ("extra", "placement"),
    [
        ({"searchQuery": "сүт"}, "search-results"),
        ({"category": {"id": "dairy/milk"}}, "category-page"),
        ({"category": {"id": "dairy"}, "page": {"type": "PDP", "pageId": "/p/1"}}, "product-page"),
        ({"searchQuery": "молоко", "placementId": 7}, "home-banner"),
        ({"searchQuery": "молоко", "placementId": 8}, "search-results"),
    ],
)
def test_listings_placement_routing(extra: dict[str, Any], placement: str) -> None:
    native = translate.plan_auction(
        listings({"type": "listings", "slots": 3, **extra}), ROUTING, CATEGORIES
    )
    assert isinstance(native, DecisionRequestBody)
    assert native.placements[0].placement == placement


def test_banner_auction_runs_on_its_slot() -> None:
    native = translate.plan_auction(banners(ex.BANNERS_AUCTION_CATEGORY), ROUTING, CATEGORIES)
    assert native == DecisionRequestBody(
        placements=[PlacementAsk(placement="categories-ribbon-banner", slots=1, category_id=13)],
        context=DecisionContext(device="desktop"),
    )
    mapped = banners({"type": "banners", "slots": 1, "slotId": "hero", "device": "mobile"})
    native = translate.plan_auction(mapped, ROUTING, CATEGORIES)
    assert isinstance(native, DecisionRequestBody)
    assert native.placements[0].placement == "home-banner"
    assert native.context.device == "mobile"


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ({"id": "dairy/yogurt"}, 11),
        ({"id": "11"}, 11),
        ({"ids": ["dairy", "dairy/milk"]}, 12),
        ({"disjunctions": [["dairy/milk"], ["dairy"]]}, 12),
        ({"ids": ["dairy/milk", "dairy/yogurt"]}, "no_match"),
        ({"id": "c_unknown"}, "no_match"),
        ({"disjunctions": [["dairy/milk", "dairy/yogurt"]]}, "unsupported"),
    ],
)
def test_category_contexts(category: dict[str, Any], expected: int | str) -> None:
    auction = listings({"type": "listings", "slots": 2, "category": category})
    native = translate.plan_auction(auction, ROUTING, CATEGORIES)
    if isinstance(expected, int):
        assert isinstance(native, DecisionRequestBody)
        assert native.placements[0].category_id == expected
    else:
        assert native == translate.empty_result(auction, error=expected == "unsupported")


def test_candidates_beyond_the_native_limit_are_dropped_from_the_end() -> None:
    ids = [f"p_{i}" for i in range(600)]
    auction = listings({"type": "listings", "slots": 5, "products": {"ids": ids}})
    native = translate.plan_auction(auction, ROUTING, CATEGORIES)
    assert isinstance(native, DecisionRequestBody)
    candidates = native.placements[0].candidates
    assert candidates is not None
    assert candidates.skus == ids[:500]


def test_long_opaque_user_ids_are_hashed_to_fit() -> None:
    auction = listings(
        {"type": "listings", "slots": 1, "searchQuery": "x", "opaqueUserId": "u" * 200}
    )
    native = translate.plan_auction(auction, ROUTING, CATEGORIES)
    assert isinstance(native, DecisionRequestBody)
    assert native.user_id is not None
    assert native.user_id.startswith("sha256:")
    assert len(native.user_id) <= 128


# --- native result → Topsort result --------------------------------------------------------


def test_listing_winners_become_topsort_winners_best_first() -> None:
    (auction,) = AuctionsRequest.model_validate(ex.AUCTIONS_BASIC_LISTINGS).auctions
    native = PlacementResult(
        placement="search-results", slots=2, winners=[slot_winner(1), slot_winner(2, sku=None)]
    )
    result = translate.auction_result(auction, native)
    assert result.model_dump(by_alias=True, exclude_none=True) == {
        "resultType": "listings",
        "winners": [
            {"rank": 1, "type": "product", "id": "p_1", "resolvedBidId": "rb1", "campaignId": "7"},
            {"rank": 2, "type": "product", "id": "102", "resolvedBidId": "rb2", "campaignId": "7"},
        ],
        "error": False,
    }


def test_banner_winners_carry_their_asset() -> None:
    auction = banners(ex.BANNERS_AUCTION_CATEGORY)
    creative = WinningCreative(id=5, asset_url="https://cdn/b.png", width=1200, height=300)
    winner = slot_winner(
        1, kind=WinnerKind.BANNER, sku=None, product_id=None, creative=creative,
        billing=BillingModel.CPM,
    )  # fmt: skip
    result = translate.auction_result(
        auction, PlacementResult(placement="x", slots=1, winners=[winner])
    )
    body = result.model_dump(by_alias=True, exclude_none=True)
    assert body["resultType"] == "banners"
    assert body["error"] is False
    (won,) = body["winners"]
    assert won["type"] == "url"
    assert won["id"] == "http://t/c/rb1"
    assert won["resolvedBidId"] == "rb1"
    assert won["asset"] == [
        {
            "url": "https://cdn/b.png",
            "content": {
                "width": 1200,
                "height": 300,
                "clickUrl": "http://t/c/rb1",
                "impressionUrl": "http://t/i/rb1",
            },
        }
    ]


def test_a_failed_native_placement_is_an_error_result() -> None:
    (auction,) = AuctionsRequest.model_validate(ex.AUCTIONS_BASIC_LISTINGS).auctions
    native = PlacementResult(placement="nope", slots=2, winners=[], error="unknown_placement")
    assert translate.auction_result(auction, native).model_dump(by_alias=True) == {
        "resultType": "listings",
        "winners": [],
        "error": True,
    }


# --- events --------------------------------------------------------------------------------


def test_sponsored_interactions_and_tally() -> None:
    body = {**ex.EVENTS_IMPRESSIONS, **ex.EVENTS_CLICKS, **ex.EVENTS_PURCHASES}
    organic = dict(ex.EVENTS_IMPRESSIONS["impressions"][0], id="organic-1")
    del organic["resolvedBidId"]
    organic["entity"] = {"type": "product", "id": "p_SA0238"}
    body["impressions"] = [*body["impressions"], organic]
    request = EventsRequest.model_validate(body)
    assert translate.interactions(request) == [
        translate.Interaction(
            "impression", ex.RESOLVED_BID_ID, "eb874c98-bf4d-40a9-ae6d-fcf4cecb535c"
        ),
        translate.Interaction("click", ex.RESOLVED_BID_ID, "b39d39ed-ea0e-4059-9d15-4990b39c85a2"),
    ]
    assert translate.tally(request) == translate.EventTally(
        sponsored_impressions=1,
        sponsored_clicks=1,
        organic_impressions=1,
        purchases=2,
        purchase_items=3,
    )


# --- validation errors → Topsort errCodes --------------------------------------------------


def _errors(model: type[AuctionsRequest] | type[EventsRequest], body: Any) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return [{**e, "loc": ("body", *e["loc"])} for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missing_auctions"),
        ({"auctions": []}, "missing_auctions"),
        ({"auctions": [ex.LISTINGS_AUCTION_GEO] * 6}, "too_many_auctions"),
        ({"auctions": [{"type": "listings", "products": {"ids": ["a"]}}]}, "missing_slots"),
        ({"auctions": [{"type": "listings", "slots": 0, "searchQuery": "a"}]}, "too_few_slots"),
        ({"auctions": [{"type": "listings", "slots": 41, "searchQuery": "a"}]}, "bad_request"),
        ({"auctions": [{"type": "banners", "slots": 1}]}, "missing_slot_id"),
        ({"auctions": [{"type": "banners", "slots": 1, "slotId": ""}]}, "missing_slot_id"),
        ({"auctions": [{"type": "video", "slots": 1}]}, "invalid_promotion_type"),
        ({"auctions": [{"slots": 1}]}, "missing_promotion_type"),
        ({"auctions": [{"type": "listings", "slots": 1}]}, "missing_context"),
        ({"auctions": [{"type": "listings", "slots": 1, "products": {"ids": []}}]}, "no_products"),
        (
            {
                "auctions": [
                    {
                        "type": "listings",
                        "slots": 1,
                        "products": {"ids": ["a"], "qualityScores": [0]},
                    }
                ]
            },
            "bad_request",
        ),
        (
            {
                "auctions": [
                    {
                        "type": "listings",
                        "slots": 1,
                        "products": {"ids": ["a", "b"], "qualityScores": [0.5]},
                    }
                ]
            },
            "bad_request",
        ),
    ],
)
def test_auction_validation_error_codes(body: Any, code: str) -> None:
    error = translate.topsort_error(_errors(AuctionsRequest, body), "auctions")
    assert error.err_code == code
    assert error.message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "empty_request"),
        ({"views": []}, "invalid_event_type"),
        (
            {"purchases": [{**ex.EVENTS_PURCHASES["purchases"][1], "items": []}]},
            "no_purchase_items",
        ),
        (
            {
                "purchases": [
                    {
                        **ex.EVENTS_PURCHASES["purchases"][1],
                        "items": [{"productId": "p", "unitPrice": 1, "quantity": 0}],
                    }
                ]
            },
            "purchase_item_quantity_less_or_equal_than_zero",
        ),
        (
            {
                "purchases": [
                    {
                        k: v
                        for k, v in ex.EVENTS_PURCHASES["purchases"][1].items()
                        if k != "occurredAt"
                    }
                ]
            },
            "missing_purchased_at",
        ),
        (
            {
                "impressions": [
                    {**ex.EVENTS_IMPRESSIONS["impressions"][0], "occurredAt": "2019-01-01T12:59:59"}
                ]
            },
            "bad_request",
        ),
        ({"clicks": [{**ex.EVENTS_CLICKS["clicks"][0], "unknown": 1}]}, "bad_request"),
        ({"impressions": [ex.EVENTS_IMPRESSIONS["impressions"][0]] * 51}, "bad_request"),
    ],
)
def test_event_validation_error_codes(body: Any, code: str) -> None:
    error = translate.topsort_error(_errors(EventsRequest, body), "events")
    assert error.err_code == code
