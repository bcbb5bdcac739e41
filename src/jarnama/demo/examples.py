"""The API calls the demo prints as curl commands (the tests make the same calls)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

# Reads the first winner's click URL from a decision on stdin (python3 is there: make needs it).
FIRST_CLICK_URL = (
    'import json,sys; print(json.load(sys.stdin)["placements"][0]["winners"][0]["click_url"])'
)
# Prints what the click link answered: 204 for a sponsored product, 302 and where for a banner.
CLICK_REPORT = "click: %{http_code} %{redirect_url}\\n"


@dataclass(frozen=True, slots=True)
class ApiExample:
    """One request a newcomer can paste: who calls, which method and path, query or JSON body.

    With `follow_click` the command also opens the click link of the answer's first winner
    (as a shopper tapping the ad does), so the decision must have one.
    """

    title: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    token: str | None = None
    method: str = "GET"
    body: dict[str, Any] | None = None
    follow_click: bool = False

    def curl(self, base_url: str) -> str:
        """The request as a curl command that works when pasted into a POSIX shell."""
        parts = ["curl", "-s"]
        if self.token is not None:
            parts += ["-H", f"Authorization: Bearer {self.token}"]
        url = base_url.rstrip("/") + self.path
        if self.body is not None:
            parts += ["-H", "Content-Type: application/json"]
            parts += ["-d", json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))]
            command = " ".join([*map(shlex.quote, parts), shlex.quote(url)])
            if not self.follow_click:
                return command
            follow = ["curl", "-s", "-o", "/dev/null", "-w", CLICK_REPORT]
            return f"{command} | python3 -c {shlex.quote(FIRST_CLICK_URL)} | xargs " + " ".join(
                map(shlex.quote, follow)
            )
        if all(value.isascii() for _, value in self.params):
            if self.params:
                url += "?" + urlencode(self.params)
            return " ".join([*map(shlex.quote, parts), shlex.quote(url)])
        # Non-ASCII values (Kazakh search words) are sent percent-encoded by curl itself.
        parts.append("-G")
        for name, value in self.params:
            parts += ["--data-urlencode", f"{name}={value}"]
        return " ".join([*map(shlex.quote, parts), shlex.quote(url)])


def decision_examples(admin_key: str, candidate_skus: Sequence[str]) -> list[ApiExample]:
    """Sponsored products and banners: native decisions, Topsort auctions and a click."""
    search = {
        "placements": [
            {"placement": "search-results", "search_query": "сүт"},
            {"placement": "home-banner", "search_query": "сүт"},
        ],
        "user_id": "demo-shopper-1",
        "context": {"city": "Алматы", "device": "android"},
    }
    candidates = {
        "placements": [
            {
                "placement": "search-results",
                "slots": 2,
                "search_query": "молоко",
                "candidates": {"skus": list(candidate_skus)},
            }
        ],
        "user_id": "demo-shopper-2",
    }
    topsort = {
        "auctions": [
            {"type": "listings", "slots": 3, "searchQuery": "молоко", "opaqueUserId": "demo-3"},
            {"type": "banners", "slots": 1, "slotId": "home-banner", "searchQuery": "молоко"},
        ]
    }
    return [
        ApiExample(
            "Sponsored products and the home banner for a search «сүт» (milk), native API",
            "/api/v1/decisions",
            token=admin_key,
            method="POST",
            body=search,
        ),
        ApiExample(
            "Sponsored products among the retailer's own results for «молоко» (a candidate list)",
            "/api/v1/decisions",
            token=admin_key,
            method="POST",
            body=candidates,
        ),
        ApiExample(
            "The same through the Topsort-compatible API: POST /v2/auctions, searchQuery «молоко»",
            "/v2/auctions",
            token=admin_key,
            method="POST",
            body=topsort,
        ),
        ApiExample(
            "A shopper taps the first sponsored product: its click link records and bills a click",
            "/api/v1/decisions",
            token=admin_key,
            method="POST",
            body=search,
            follow_click=True,
        ),
    ]


def demo_examples(
    admin_key: str,
    advertiser_key: str,
    advertiser_name: str,
    candidate_skus: Sequence[str] = (),
    transcreation_project_id: int | None = None,
) -> list[ApiExample]:
    """The printed examples: probes, keys, catalog, accounts, decisions, a click, the studio."""
    studio = [] if transcreation_project_id is None else [
        ApiExample(
            f"{advertiser_name}'s Russian ad and its Kazakh version, segment by segment with QA",
            f"/api/v1/transcreation/projects/{transcreation_project_id}",
            token=advertiser_key,
        ),
        ApiExample(
            f"{advertiser_name}'s Kazakh ad: the QA and compliance report of its studio project",
            f"/api/v1/transcreation/projects/{transcreation_project_id}/compliance",
            token=advertiser_key,
        )
    ]  # fmt: skip
    return [
        ApiExample("Liveness", "/healthz"),
        ApiExample("Readiness (checks the database)", "/readyz"),
        ApiExample("Who am I (network admin key)", "/api/v1/me", token=admin_key),
        ApiExample(f"Who am I ({advertiser_name} key)", "/api/v1/me", token=advertiser_key),
        ApiExample(
            f"{advertiser_name}'s own products (an advertiser sees only its brands)",
            "/api/v1/catalog/products",
            (("limit", "5"),),
            advertiser_key,
        ),
        ApiExample(
            "Search the catalog in Kazakh: «шұжық» (sausage)",
            "/api/v1/catalog/products",
            (("q", "шұжық"), ("limit", "5")),
            admin_key,
        ),
        ApiExample(
            "Search the catalog in Russian: «сливочное» (butter)",
            "/api/v1/catalog/products",
            (("q", "сливочное"), ("limit", "5")),
            admin_key,
        ),
        ApiExample("Ad placements and minimum bids", "/api/v1/catalog/placements", (), admin_key),
        ApiExample("Supplier accounts", "/api/v1/accounts", (("limit", "5"),), admin_key),
        ApiExample(
            "Banner creatives waiting for the network admin's review",
            "/api/v1/creatives",
            (("status", "pending"),),
            admin_key,
        ),
        ApiExample(
            f"{advertiser_name}'s running campaigns",
            "/api/v1/campaigns",
            (("status", "active"),),
            advertiser_key,
        ),
        ApiExample(
            f"{advertiser_name}'s creator report: clicks, sales, approval rate, EPC per creator",
            "/api/v1/creators/reports",
            (("group_by", "creator"),),
            advertiser_key,
        ),
        ApiExample(
            "Declined creator sales, each with its reason, text and evidence",
            "/api/v1/creators/conversions",
            (("status", "declined"),),
            advertiser_key,
        ),
        *decision_examples(admin_key, candidate_skus),
        *studio,
    ]
