"""Targeting rules that keep an ad group from serving where its advertiser did not mean it to."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.campaigns.serving import list_serving_state, serving_fingerprint
from jarnama.catalog.models import Brand, Product
from tests.campaigns.helpers import (
    World,
    create_ad_group,
    create_campaign,
    error_of,
    in_days,
    listing_body,
)

URL = "/api/v1/ad-groups"


@pytest.mark.parametrize("text", ["!!!", "— / —", "«»", "%"])
@pytest.mark.parametrize("field", ["keywords", "negative_keywords"])
def test_a_keyword_without_letters_or_digits_is_refused(
    client: TestClient, world: World, field: str, text: str
) -> None:
    # Normalised to nothing it would match no search, and a listing left without keywords
    # would serve on every search.
    campaign = create_campaign(client, world.a)
    body = listing_body(campaign["id"], world.milk_a, **{field: [{"text": text, "match": "exact"}]})
    status, where, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert (status, where) == (400, f"{field}.0.text")
    assert "no letters or digits" in detail


@pytest.mark.parametrize(
    ("keyword", "negative", "index"),
    [
        ({"text": "молоко", "match": "exact"}, {"text": "Молоко", "match": "exact"}, 0),
        ({"text": "молоко", "match": "exact"}, {"text": "молока", "match": "broad"}, 0),
        ({"text": "детское молоко", "match": "phrase"}, {"text": "детское", "match": "broad"}, 0),
        ({"text": "детское молоко", "match": "phrase"}, {"text": "молоко", "match": "phrase"}, 0),
        ({"text": "сүт балаларға", "match": "broad"}, {"text": "сүттің", "match": "broad"}, 0),
    ],
)
def test_a_negative_that_shuts_a_keyword_out_is_refused(
    client: TestClient, world: World, keyword: dict[str, str], negative: dict[str, str], index: int
) -> None:
    campaign = create_campaign(client, world.a)
    body = listing_body(
        campaign["id"],
        world.milk_a,
        keywords=[keyword],
        negative_keywords=[{"text": "рецепт", "match": "phrase"}, negative],
    )
    status, where, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert (status, where) == (400, f"negative_keywords.{index + 1}")
    assert keyword["text"] in detail


@pytest.mark.parametrize(
    ("keyword", "negative"),
    [
        # Each negative removes some searches only: «молоко 2,5%» still matches the broad one.
        ({"text": "молоко", "match": "broad"}, {"text": "молоко", "match": "exact"}),
        (
            {"text": "молоко детское", "match": "broad"},
            {"text": "детское молоко", "match": "phrase"},
        ),
        ({"text": "сүт", "match": "phrase"}, {"text": "қоюлатылған сүт", "match": "phrase"}),
        ({"text": "молоко", "match": "exact"}, {"text": "сгущенное", "match": "broad"}),
    ],
)
def test_negatives_that_narrow_a_keyword_are_accepted(
    client: TestClient, world: World, keyword: dict[str, str], negative: dict[str, str]
) -> None:
    campaign = create_campaign(client, world.a)
    body = listing_body(
        campaign["id"], world.milk_a, keywords=[keyword], negative_keywords=[negative]
    )
    created = create_ad_group(client, world.a, body)
    assert created["negative_keywords"] == [negative]


def test_a_negative_added_later_is_checked_against_the_stored_keywords(
    client: TestClient, world: World
) -> None:
    campaign = create_campaign(client, world.a)
    group = create_ad_group(client, world.a, listing_body(campaign["id"], world.milk_a))
    response = client.patch(
        f"{URL}/{group['id']}",
        json={"negative_keywords": [{"text": "сүттер", "match": "broad"}]},
        headers=world.a.headers,
    )
    assert error_of(response)[:2] == (400, "negative_keywords.0")


def _serving_products(session: Session, ad_group_id: int) -> tuple[int, ...] | None:
    state = list_serving_state(session)
    return next((g.product_ids for g in state.ad_groups if g.id == ad_group_id), None)


def _hand_over(session: Session, product_id: int, owner_account_id: int | None) -> None:
    product = session.get(Product, product_id)
    assert product is not None
    brand = session.get(Brand, product.brand_id)
    assert brand is not None
    brand.owner_account_id = owner_account_id
    session.commit()


def test_a_brand_that_changed_hands_stops_serving_for_its_former_owner(
    client: TestClient, session: Session, world: World
) -> None:
    campaign = create_campaign(client, world.a, starts_at=in_days(-1), ends_at=in_days(30))
    body: dict[str, Any] = listing_body(
        campaign["id"], world.milk_a, product_ids=[world.milk_a, world.phone_a]
    )
    group = create_ad_group(client, world.a, body)
    activated = client.post(
        f"/api/v1/campaigns/{campaign['id']}/status",
        json={"status": "active"},
        headers=world.a.headers,
    )
    assert activated.status_code == 200, activated.text
    assert _serving_products(session, group["id"]) == (world.milk_a, world.phone_a)
    before = serving_fingerprint(session)

    # «Lactel Tech» (the phone's brand) is sold to advertiser B: A may no longer promote it.
    _hand_over(session, world.phone_a, world.b_id)
    moved = serving_fingerprint(session)
    assert moved != before  # the decision runtime rebuilds on this
    assert _serving_products(session, group["id"]) == (world.milk_a,)
    # The ad group still lists what A chose; an edit now names the product as not A's.
    shown = client.get(f"{URL}/{group['id']}", headers=world.a.headers).json()
    assert shown["product_ids"] == [world.milk_a, world.phone_a]
    response = client.patch(f"{URL}/{group['id']}", json={"bid_tiyn": 160}, headers=world.a.headers)
    assert response.status_code == 200, response.text
    resent = client.patch(
        f"{URL}/{group['id']}",
        json={"product_ids": [world.milk_a, world.phone_a]},
        headers=world.a.headers,
    )
    assert error_of(resent)[:2] == (400, "product_ids.1")

    # A brand with no owner serves for nobody; given back, it serves again.
    _hand_over(session, world.milk_a, None)
    assert serving_fingerprint(session) != moved
    assert _serving_products(session, group["id"]) == ()
    _hand_over(session, world.milk_a, world.a_id)
    _hand_over(session, world.phone_a, world.a_id)
    assert _serving_products(session, group["id"]) == (world.milk_a, world.phone_a)
