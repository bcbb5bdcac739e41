"""Ad groups through the API: products of the advertiser's brands, targeting, minimum bids."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import AdGroupProduct
from jarnama.campaigns.targeting import check_cities
from jarnama.catalog.models import Store
from jarnama.core.errors import InvalidInput
from tests.campaigns.helpers import (
    World,
    audit_entries,
    audit_total,
    create_ad_group,
    create_campaign,
    error_of,
    listing_body,
)

URL = "/api/v1/ad-groups"


def test_create_sponsored_listing(client: TestClient, session: Session, world: World) -> None:
    campaign = create_campaign(client, world.a)
    created = create_ad_group(
        client,
        world.a,
        listing_body(
            campaign["id"],
            world.milk_a,
            product_ids=[world.milk_a, world.kefir_a, world.milk_a],
            keywords=[
                {"text": "  молоко   3.2% ", "match": "exact"},
                {"text": "Молоко 3.2%", "match": "exact"},
                {"text": "сүт"},
            ],
            negative_keywords=[{"text": "соевое", "match": "phrase"}],
            category_ids=[world.milk_category],
            auto_targeting=True,
            placement_codes=["search-top", "category-grid"],
            bid_multipliers={"search-top": "1.25", "category-grid": 0.5},
            cities=[" Almaty ", "Astana", "Almaty"],
            store_ids=[world.store],
            channels=["app", "web", "app"],
            frequency_cap_day=3,
            frequency_cap_week=10,
        ),
    )
    assert created["account_id"] == world.a_id
    assert created["pricing_model"] == "cpc"
    assert created["status"] == "active"
    assert created["product_ids"] == [world.milk_a, world.kefir_a]
    assert created["keywords"] == [
        {"text": "молоко 3.2%", "match": "exact"},
        {"text": "сүт", "match": "broad"},
    ]
    assert created["negative_keywords"] == [{"text": "соевое", "match": "phrase"}]
    assert created["bid_multipliers"] == {"category-grid": "0.5", "search-top": "1.25"}
    assert created["cities"] == ["Almaty", "Astana"]
    assert created["channels"] == ["app", "web"]
    assert created["auto_targeting"] is True
    stored = session.scalars(
        select(AdGroupProduct.product_id).where(AdGroupProduct.ad_group_id == created["id"])
    ).all()
    assert sorted(stored) == sorted([world.milk_a, world.kefir_a])
    entry = audit_entries(session, "ad_group", created["id"])[0]
    assert entry.action == "create"
    assert entry.after is not None
    assert entry.after["product_ids"] == [world.milk_a, world.kefir_a]
    assert client.get(f"{URL}/{created['id']}", headers=world.a.headers).json() == created


def test_promoted_products_must_be_active_and_of_the_advertisers_brands(
    client: TestClient, world: World
) -> None:
    campaign = create_campaign(client, world.a)
    not_ours = "is not of one of this advertiser's brands"
    cases = [
        (world.milk_b, not_ours),
        (world.unbranded, not_ours),
        (world.inactive_a, "(SKU LACTEL-OLD) is not active"),
        (999_999, not_ours),
    ]
    for product_id, reason in cases:
        body = listing_body(campaign["id"], world.milk_a, product_ids=[world.milk_a, product_id])
        status, field, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
        assert (status, field) == (400, "product_ids.1"), detail
        assert f"product {product_id}" in detail
        assert reason in detail
    none = listing_body(campaign["id"], world.milk_a, product_ids=[])
    assert error_of(client.post(URL, json=none, headers=world.a.headers))[:2] == (
        400,
        "product_ids",
    )


def test_another_advertisers_product_answers_like_a_missing_one(
    client: TestClient, world: World
) -> None:
    # B's product must not reveal its SKU or that it exists: it answers like no product.
    campaign = create_campaign(client, world.a)
    answers = []
    for product_id in (world.milk_b, 999_999):
        body = listing_body(campaign["id"], world.milk_a, product_ids=[product_id])
        status, field, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
        answers.append((status, field, detail.replace(str(product_id), "N")))
    assert answers[0] == answers[1]
    assert "FM-MILK" not in answers[0][2]


def test_bid_below_the_placement_minimum_names_it(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    body = listing_body(
        campaign["id"],
        world.phone_a,
        product_ids=[world.phone_a],
        bid_tiyn=40,
        placement_codes=["search-top"],
    )
    status, field, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert (status, field) == (400, "bid_tiyn")
    assert "minimum bid of 50 tiyn for placement 'search-top'" in detail
    body["bid_tiyn"] = 50
    assert client.post(URL, json=body, headers=world.a.headers).status_code == 201


def test_category_minimum_overrides_the_placement_for_the_subtree(
    client: TestClient, world: World
) -> None:
    campaign = create_campaign(client, world.a)
    # search-top's minimum is 50, but dairy (parent of the milk category) asks 120.
    body = listing_body(campaign["id"], world.milk_a, bid_tiyn=100, placement_codes=["search-top"])
    status, field, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert (status, field) == (400, "bid_tiyn")
    assert "minimum bid of 120 tiyn for placement 'search-top' in category 'dairy/milk'" in detail
    # Targeting a dairy category with a non-dairy product applies the dairy minimum too.
    by_category = listing_body(
        campaign["id"],
        world.phone_a,
        product_ids=[world.phone_a],
        category_ids=[world.dairy],
        bid_tiyn=100,
        placement_codes=["search-top"],
    )
    assert error_of(client.post(URL, json=by_category, headers=world.a.headers))[0] == 400
    body["bid_tiyn"] = 120
    assert client.post(URL, json=body, headers=world.a.headers).status_code == 201


def test_without_placements_every_placement_of_the_kind_must_clear(
    client: TestClient, world: World
) -> None:
    campaign = create_campaign(client, world.a)
    body = listing_body(campaign["id"], world.milk_a, bid_tiyn=100)
    status, _, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert status == 400
    assert "120" in detail


def test_a_multiplier_that_drops_below_the_minimum_is_named(
    client: TestClient, world: World
) -> None:
    campaign = create_campaign(client, world.a)
    body = listing_body(
        campaign["id"],
        world.milk_a,
        bid_tiyn=150,
        placement_codes=["search-top"],
        bid_multipliers={"search-top": "0.5"},
    )
    status, field, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert (status, field) == (400, "bid_multipliers.search-top")
    assert "75 tiyn is below the minimum bid of 120" in detail


def test_placement_and_multiplier_checks(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"placement_codes": ["nowhere"]}, 400, "placement_codes.0"),
        ({"placement_codes": ["home-hero"]}, 400, "placement_codes.0"),
        (
            {"placement_codes": ["search-top"], "bid_multipliers": {"category-grid": "1.1"}},
            400,
            "bid_multipliers.category-grid",
        ),
        ({"bid_multipliers": {"search-top": "0.05"}}, 422, "bid_multipliers.search-top"),
        ({"bid_multipliers": {"search-top": "10.5"}}, 422, "bid_multipliers.search-top"),
        ({"bid_multipliers": {"search-top": "1.2345"}}, 400, "bid_multipliers.search-top"),
        ({"bid_tiyn": 150.5}, 422, "bid_tiyn"),
        ({"frequency_cap_day": 5, "frequency_cap_week": 2}, 400, "frequency_cap_week"),
        ({"frequency_cap_day": 0}, 422, "frequency_cap_day"),
        ({"audience_segment_ids": [424242]}, 400, "audience_segment_ids.0"),
        ({"store_ids": [world.store, 424242]}, 400, "store_ids.1"),
        ({"category_ids": [424242]}, 400, "category_ids.0"),
        ({"keywords": [{"text": "   "}]}, 400, "keywords.0.text"),
        ({"keywords": [{"text": "milk", "match": "fuzzy"}]}, 422, "keywords.0.match"),
        ({"channels": ["tv"]}, 422, "channels.0"),
        ({"kind": "popup"}, 422, "kind"),
    ]
    for overrides, status, field in cases:
        body = listing_body(campaign["id"], world.milk_a, **overrides)
        response = client.post(URL, json=body, headers=world.a.headers)
        assert error_of(response)[:2] == (status, field), (overrides, response.text)


def test_in_store_screen_groups_serve_only_in_stores(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    body = {
        "campaign_id": campaign["id"],
        "name": "Checkout screens",
        "kind": "in_store_screen",
        "bid_tiyn": 600,
        "channels": ["web"],
    }
    assert error_of(client.post(URL, json=body, headers=world.a.headers))[:2] == (400, "channels")
    body["channels"] = ["in_store"]
    body["bid_tiyn"] = 400
    status, field, detail = error_of(client.post(URL, json=body, headers=world.a.headers))
    assert (status, field) == (400, "bid_tiyn")
    assert "500 tiyn for placement 'store-screen'" in detail
    body["bid_tiyn"] = 600
    created = create_ad_group(client, world.a, body)
    assert created["pricing_model"] == "cpm"


def test_update_rechecks_what_changed(client: TestClient, session: Session, world: World) -> None:
    campaign = create_campaign(client, world.a)
    created = create_ad_group(client, world.a, listing_body(campaign["id"], world.milk_a))
    url = f"{URL}/{created['id']}"
    low = client.patch(url, json={"bid_tiyn": 60}, headers=world.a.headers)
    assert error_of(low)[:2] == (400, "bid_tiyn")
    foreign = client.patch(url, json={"product_ids": [world.milk_b]}, headers=world.a.headers)
    assert error_of(foreign)[:2] == (400, "product_ids.0")
    response = client.patch(
        url,
        json={"product_ids": [world.kefir_a], "keywords": None, "bid_tiyn": 130},
        headers=world.a.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["product_ids"] == [world.kefir_a]
    assert updated["keywords"] == []
    assert updated["bid_tiyn"] == 130
    assert updated["name"] == created["name"]
    entry = audit_entries(session, "ad_group", created["id"])[-1]
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.before["product_ids"] == [world.milk_a]
    assert entry.after is not None
    assert entry.after["product_ids"] == [world.kefir_a]
    fixed_kind = client.patch(url, json={"kind": "banner"}, headers=world.a.headers)
    assert fixed_kind.status_code == 422


def test_ad_group_status_transitions(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    created = create_ad_group(client, world.a, listing_body(campaign["id"], world.milk_a))
    url = f"{URL}/{created['id']}/status"
    for status in ("paused", "active", "archived"):
        response = client.post(url, json={"status": status}, headers=world.a.headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    again = client.post(url, json={"status": "active"}, headers=world.a.headers)
    assert again.status_code == 409
    edit = client.patch(f"{URL}/{created['id']}", json={"bid_tiyn": 500}, headers=world.a.headers)
    assert edit.status_code == 409


def test_archived_campaigns_take_no_new_ad_groups(client: TestClient, world: World) -> None:
    campaign = create_campaign(client, world.a)
    client.post(
        f"/api/v1/campaigns/{campaign['id']}/status",
        json={"status": "archived"},
        headers=world.a.headers,
    )
    response = client.post(
        URL, json=listing_body(campaign["id"], world.milk_a), headers=world.a.headers
    )
    assert response.status_code == 409


def test_list_ad_groups_of_a_campaign(client: TestClient, world: World) -> None:
    first = create_campaign(client, world.a)
    second = create_campaign(client, world.a)
    a1 = create_ad_group(client, world.a, listing_body(first["id"], world.milk_a))
    a2 = create_ad_group(client, world.a, listing_body(first["id"], world.kefir_a))
    create_ad_group(client, world.a, listing_body(second["id"], world.kefir_a))
    page = client.get(
        URL, params={"campaign_id": first["id"], "limit": 1}, headers=world.a.headers
    ).json()
    assert [g["id"] for g in page["items"]] == [a1["id"]]
    assert page["items"][0]["product_ids"] == [world.milk_a]
    rest = client.get(
        URL,
        params={"campaign_id": first["id"], "cursor": page["next_cursor"]},
        headers=world.a.headers,
    ).json()
    assert [g["id"] for g in rest["items"]] == [a2["id"]]


def _more_stores(session: Session) -> None:
    """Stores named as a Kazakh retailer's data has them: Russian and Kazakh spellings."""
    for code, city in (("ALA-2", "Алматы"), ("SHY-1", "Шымкент"), ("UKK-1", "Өскемен")):
        session.add(Store(code=code, name=f"Magnum {code}", city=city, lat=45.0, lon=75.0))
    session.commit()


def test_targeted_cities_are_store_cities_spelled_as_the_stores_spell_them(
    client: TestClient, session: Session, world: World
) -> None:
    _more_stores(session)
    campaign = create_campaign(client, world.a)
    created = create_ad_group(
        client,
        world.a,
        listing_body(
            campaign["id"],
            world.milk_a,
            cities=["  алматы ", "ШЫМКЕНТ", "өскемен", "ALMATY", "Алматы", "ӨСКЕМЕН"],
        ),
    )
    assert created["cities"] == ["Алматы", "Шымкент", "Өскемен", "Almaty"]
    entry = audit_entries(session, "ad_group", created["id"])[0]
    assert entry.after is not None
    assert entry.after["cities"] == ["Алматы", "Шымкент", "Өскемен", "Almaty"]


def test_an_unknown_city_is_refused_naming_the_field_and_the_known_cities(
    client: TestClient, session: Session, world: World
) -> None:
    _more_stores(session)
    campaign = create_campaign(client, world.a)
    known = ("Almaty", "Astana", "Алматы", "Шымкент", "Өскемен")
    for cities, field, hint in (
        (["Алматы", "Алмааты"], "cities.1", "did you mean 'Алматы'?"),
        (["Оскемен"], "cities.0", "did you mean 'Өскемен'?"),  # a Kazakh letter is not «о»
        (["Шымкент", "Astana", "Караганда"], "cities.2", ""),
    ):
        response = client.post(
            URL,
            json=listing_body(campaign["id"], world.milk_a, cities=cities),
            headers=world.a.headers,
        )
        code, named, detail = error_of(response)
        assert (code, named) == (400, field), response.text
        assert repr(cities[int(field.split(".")[1])]) in detail
        assert hint in detail
        for city in known:
            assert city in detail, (city, detail)

    good = create_ad_group(
        client, world.a, listing_body(campaign["id"], world.milk_a, cities=[" astana "])
    )
    before = audit_total(session)
    typo = client.patch(f"{URL}/{good['id']}", json={"cities": ["Шымкет"]}, headers=world.a.headers)
    assert error_of(typo)[:2] == (400, "cities.0")
    assert "did you mean 'Шымкент'?" in error_of(typo)[2]
    assert audit_total(session) == before
    unchanged = client.get(f"{URL}/{good['id']}", headers=world.a.headers).json()
    assert unchanged["cities"] == ["Astana"]
    fixed = client.patch(
        f"{URL}/{good['id']}", json={"cities": ["шымкент", "Өскемен"]}, headers=world.a.headers
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["cities"] == ["Шымкент", "Өскемен"]
    assert audit_entries(session, "ad_group", good["id"])[-1].action == "update"
    cleared = client.patch(f"{URL}/{good['id']}", json={"cities": None}, headers=world.a.headers)
    assert cleared.json()["cities"] == []


def test_without_stores_no_city_can_be_targeted() -> None:
    assert check_cities([], []) == []
    with pytest.raises(InvalidInput, match="has no stores yet") as raised:
        check_cities(["Алматы"], [])
    assert raised.value.field == "cities.0"
