"""Live `/v2/auctions` and `/v2/events` answers checked against Topsort's own OpenAPI schemas.

`test_api.py` checks what the answers mean; this checks their shape with the published spec
(a copy sits next to this file, `topsort-api-v2.yml`) as a JSON Schema validator reads it, so
a storefront's generated Topsort client parses them. Request bodies are the spec's examples
and bodies generated from the spec's own request schemas (what a client written against the
spec may send): every one answers 201/204 or a 400 in the spec's `Error` shape, never a 500.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.topsort import spec_examples as ex
from tests.topsort.live import Network

HERE = Path(__file__).resolve().parent
SPEC_COPY = HERE / "topsort-api-v2.yml"
SHARED_SPEC = HERE.parents[2] / "shared/fixtures/topsort/topsort-api-v2.yml"
URI = "urn:topsort-api-v2"


@cache
def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_COPY.read_text())
    return loaded


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(URI, resource)
    return registry


def _errors(instance: Any, pointer: str) -> list[str]:
    """What is wrong with `instance` against the spec's schema at `pointer` (empty: valid)."""
    validator = Draft202012Validator(
        {"$ref": f"{URI}#{pointer}"}, registry=_registry(), format_checker=FormatChecker()
    )
    found = validator.iter_errors(instance)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def assert_auctions_response(body: Any) -> None:
    """`body` is a 201 of `POST /v2/auctions` as the spec has it (results by `resultType`)."""
    # `AuctionResult` is a oneOf that only its discriminator makes unambiguous (a banner winner
    # is also a valid listing winner): each result is checked against the mapped schema.
    envelope = copy.deepcopy(
        _spec()["paths"]["/v2/auctions"]["post"]["responses"]["201"]["content"]["application/json"][
            "schema"
        ]
    )
    envelope["properties"]["results"]["items"] = {"type": "object", "required": ["resultType"]}
    assert Draft202012Validator(envelope).is_valid(body), body
    mapping = _spec()["components"]["schemas"]["AuctionResult"]["discriminator"]["mapping"]
    for result in body["results"]:
        pointer = mapping[result["resultType"]].removeprefix("#")
        assert _errors(result, pointer) == [], result


def assert_topsort_error(body: Any) -> None:
    """`body` is the spec's `Error`."""
    assert _errors(body, "/components/schemas/Error") == [], body


def test_the_copy_is_the_published_spec() -> None:
    text = SPEC_COPY.read_text()
    assert text.splitlines()[2] == "openapi: 3.1.0"
    if SHARED_SPEC.exists():  # the workspace's copy, when the checkout sits in one
        assert text.split("\n", 2)[2] == SHARED_SPEC.read_text()


def test_the_specs_own_response_examples_pass_the_checker() -> None:
    # The checker itself: it accepts the spec's examples and refuses a winner without its id.
    assert_auctions_response(ex.RESULTS_LISTINGS_AND_BANNERS)
    assert_auctions_response(ex.RESULTS_EMPTY)
    broken = copy.deepcopy(ex.RESULTS_LISTINGS_AND_BANNERS)
    del broken["results"][2]["winners"][0]["asset"]
    with pytest.raises(AssertionError):
        assert_auctions_response(broken)


def _banner_on_milk() -> dict[str, Any]:
    banner = copy.deepcopy(ex.BANNERS_AUCTION_CATEGORY)
    banner["category"] = {"id": "dairy/milk"}
    return banner


AUCTION_BATCHES: list[tuple[str, dict[str, Any]]] = [
    ("basic listings", ex.AUCTIONS_BASIC_LISTINGS),
    (
        "listings, banners, an empty banner",
        {"auctions": [ex.LISTINGS_AUCTION_GEO, _banner_on_milk(), ex.BANNERS_AUCTION_CATEGORY]},
    ),
    ("search", {"auctions": [{"type": "listings", "slots": 4, "searchQuery": "молоко"}]}),
    (
        "categories",
        {
            "auctions": [
                {"type": "listings", "slots": 2, "category": {"ids": ["dairy", "dairy/milk"]}},
                {"type": "listings", "slots": 2, "category": ex.CATEGORY_DISJUNCTIONS},
            ]
        },
    ),
    ("failed auction", {"auctions": [{"type": "banners", "slots": 1, "slotId": "no-such-slot"}]}),
]


@pytest.mark.parametrize(("name", "body"), AUCTION_BATCHES, ids=[n for n, _ in AUCTION_BATCHES])
def test_auction_answers_have_the_specs_shape(
    client: TestClient, network: Network, name: str, body: dict[str, Any]
) -> None:
    response = client.post("/v2/auctions", json=body, headers=network.retailer.headers)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert_auctions_response(response.json())


def test_winners_of_a_live_batch_are_checked_not_only_empty_lists(
    client: TestClient, network: Network
) -> None:
    body = {"auctions": [ex.LISTINGS_AUCTION_GEO, _banner_on_milk()]}
    results = client.post("/v2/auctions", json=body, headers=network.retailer.headers).json()
    listings, banners = results["results"]
    assert listings["winners"]
    assert banners["winners"]
    assert_auctions_response(results)


@pytest.mark.parametrize(
    ("path", "body", "auth"),
    [
        ("/v2/auctions", {"auctions": []}, True),
        ("/v2/auctions", ex.AUCTIONS_EXTERNAL_DEMAND, True),
        ("/v2/auctions", ex.AUCTIONS_BASIC_LISTINGS, False),
        ("/v2/events", ex.EVENTS_CLICKS, True),
        ("/v2/events", {}, True),
        ("/v2/events", ex.EVENTS_PURCHASES, False),
    ],
)
def test_errors_have_the_specs_shape(
    client: TestClient, network: Network, path: str, body: dict[str, Any], auth: bool
) -> None:
    headers = network.retailer.headers if auth else {"Authorization": "Bearer jk_x_wrong"}
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == (400 if auth else 401), response.text
    assert_topsort_error(response.json())


def test_accepted_events_answer_204_with_no_body(client: TestClient, network: Network) -> None:
    (result,) = client.post(
        "/v2/auctions", json=ex.AUCTIONS_BASIC_LISTINGS, headers=network.retailer.headers
    ).json()["results"]
    impressions = copy.deepcopy(ex.EVENTS_IMPRESSIONS)
    impressions["impressions"][0]["resolvedBidId"] = result["winners"][0]["resolvedBidId"]
    for body in (impressions, ex.EVENTS_PURCHASES, ex.EVENTS_PAGEVIEWS):
        response = client.post("/v2/events", json=body, headers=network.retailer.headers)
        assert (response.status_code, response.content) == (204, b""), response.text


SETTINGS = hypothesis.settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@cache
def _strategy(path: str) -> Any:
    """Request bodies for `path` drawn from the spec's schemas (built once: ~2 s)."""
    operation = schemathesis.openapi.from_dict(_spec())[path]["POST"]
    return operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)


@pytest.mark.parametrize(("path", "success"), [("/v2/auctions", 201), ("/v2/events", 204)])
def test_bodies_generated_from_the_specs_schemas_get_spec_shaped_answers(
    client: TestClient, network: Network, path: str, success: int
) -> None:
    cases = _strategy(path)
    statuses: set[int] = set()

    @SETTINGS
    @hypothesis.given(case=cases)
    def call(case: Any) -> None:
        response = client.post(path, json=case.body, headers=network.retailer.headers)
        statuses.add(response.status_code)
        assert response.status_code in (success, 400), (case.body, response.text)
        if response.status_code == 400:
            assert_topsort_error(response.json())
        elif success == 201:
            assert_auctions_response(response.json())
        else:
            assert response.content == b""

    call()
    assert success in statuses, statuses  # not only refusals: some bodies are served
