"""Real Kazakh and Russian shopper queries against keywords set through the campaigns API.

The keywords are typed as a supplier would; the queries as shoppers type them (case, ё,
decimal commas, percent signs, Kazakh plural and case endings, Russian case endings). Each
query goes through `POST /api/v1/decisions` on the snapshot compiled from these ad groups.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.campaigns.helpers import World, create_ad_group, create_campaign, in_days
from tests.decisioning.serving_helpers import activate, runtime_of, search

MILK = "milk (A)"
YOGURT = "yogurt (B)"


@pytest.fixture
def advertised(client: TestClient, app: FastAPI, world: World) -> dict[int, str]:
    """A bids on milk words in both languages (not condensed milk), B on yoghurt."""
    owners: dict[int, str] = {}
    for caller, product, name, keywords, negatives in (
        (
            world.a,
            world.milk_a,
            MILK,
            [
                {"text": "сүт", "match": "phrase"},
                {"text": "Молоко", "match": "phrase"},
                {"text": "молоко 3,2%", "match": "exact"},
            ],
            [{"text": "сгущённое", "match": "broad"}, {"text": "қоюлатылған", "match": "broad"}],
        ),
        (world.b, world.milk_b, YOGURT, [{"text": "йогурт", "match": "broad"}], []),
    ):
        campaign = create_campaign(
            client, caller, starts_at=in_days(-1), ends_at=in_days(30), pacing="asap"
        )
        create_ad_group(
            client,
            caller,
            {
                "campaign_id": campaign["id"],
                "name": name,
                "kind": "sponsored_listing",
                "bid_tiyn": 300,
                "product_ids": [product],
                "keywords": keywords,
                "negative_keywords": negatives,
            },
        )
        activate(client, caller, campaign["id"])
        owners[product] = name
    assert runtime_of(app).refresh(force=True) is True
    return owners


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("сүт", {MILK}),
        ("Сүттер", {MILK}),
        ("СҮТ", {MILK}),
        ("сүттің бағасы", {MILK}),
        ("балаларға арналған сүт", {MILK}),
        ("молоко", {MILK}),
        ("Молоко 3,2%", {MILK}),
        ("молоко 3.2 %", {MILK}),
        ("молока", {MILK}),
        ("купить молоко  1л", {MILK}),
        ("молоко сгущенное", set()),
        ("Сгущённое молоко", set()),
        ("қоюлатылған сүт", set()),
        ("йогурт", {YOGURT}),
        ("Йогурты", {YOGURT}),
        ("йогуртов клубничных", {YOGURT}),
        ("питьевой йогурт 2,5%", {YOGURT}),
        ("кефир", set()),
        ("сүзбе", set()),
    ],
)
def test_real_queries_find_the_keywords_they_mean(
    client: TestClient, world: World, advertised: dict[int, str], query: str, expected: set[str]
) -> None:
    winners = search(client, world.admin, query)["winners"]
    assert {advertised[w["product_id"]] for w in winners} == expected, query


# «йогурттар» meets «йогурт» (a Kazakh plural on a loanword); «ёгурт» is how many shoppers
# spell it (Russian writes the /jo/ of loanwords «йо», of native words «ё», and people mix them).
@pytest.mark.parametrize(
    "query",
    ["ёгурт", "Ёгурты", "ёгурттар", "ЁГУРТ клубничный", "питьевой ёгурт 2,5%", "йогурттар"],
)
def test_spelling_and_kazakh_plural_of_a_loanword(
    client: TestClient, world: World, advertised: dict[int, str], query: str
) -> None:
    winners = search(client, world.admin, query)["winners"]
    assert {advertised[w["product_id"]] for w in winners} == {YOGURT}, query


def test_a_keyword_typed_with_yo_meets_queries_typed_with_yo_and_e(
    client: TestClient, app: FastAPI, world: World
) -> None:
    """The other way round: the supplier types «ёгурт», shoppers «йогурт» or «ёгурт»."""
    campaign = create_campaign(
        client, world.b, starts_at=in_days(-1), ends_at=in_days(30), pacing="asap"
    )
    create_ad_group(
        client,
        world.b,
        {
            "campaign_id": campaign["id"],
            "name": "yo",
            "kind": "sponsored_listing",
            "bid_tiyn": 300,
            "product_ids": [world.milk_b],
            "keywords": [{"text": "Ёгурт", "match": "phrase"}],
            "negative_keywords": [{"text": "питьевой ёгурт", "match": "phrase"}],
        },
    )
    activate(client, world.b, campaign["id"])
    assert runtime_of(app).refresh(force=True) is True
    for query, served in (
        ("йогурт", True),
        ("Йогурты питьевые", True),
        ("ёгурт", True),
        ("егурт", True),  # «ё» without its dots
        ("питьевой йогурт", False),  # the negative is folded the same way
        ("кефир", False),
    ):
        winners = search(client, world.admin, query)["winners"]
        assert [w["product_id"] for w in winners] == ([world.milk_b] if served else []), query
