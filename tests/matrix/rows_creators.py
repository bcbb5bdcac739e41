"""Matrix rows of the creator exchange.

Advertisers (and agencies for them) run their offers and decide on conversions; creators see
active offers and only their own participation, conversions, disputes, posts and money, and
alone (with network admins) apply, link, post and dispute. The network admin alone holds the
money desk: escrow deposits, payout batches and jobs. Paths name `home`'s offer (studio takes
part in it), so every role has real objects to act on.
"""

from __future__ import annotations

from typing import Any

from jarnama.tenancy.models import Role
from tests.matrix.case import ADMINS, EVERYONE, NETWORK, Case, Kind, advertiser
from tests.matrix.world import Tenant, World
from tests.matrix.world_creators import CreatorWorld, offer_body, profile_body

CREATOR_SIDE = frozenset({Role.NETWORK_ADMIN, Role.CREATOR})
# Account members of an advertiser own no creator's statement or tax year: 404, as for anyone.
ADVERTISER_MEMBERS = frozenset({Role.ACCOUNT_ADMIN, Role.ACCOUNT_ANALYST})
BASE = "/api/v1/creators"


def _cw(w: World) -> CreatorWorld:
    assert w.creators is not None
    return w.creators


def _offer(w: World, _t: Tenant) -> dict[str, Any]:
    return {"offer_id": _cw(w).offer_id}


def _mine(item: dict[str, Any], t: Tenant) -> bool:
    """An item is a tenant's when it is the advertiser's or the creator's side of it."""
    return t.account_id in (item.get("advertiser_account_id"), item.get("creator_account_id"))


def _studio(w: World, _t: Tenant) -> dict[str, Any]:
    return {"account_id": w.studio.account_id}


def _studio_creator(w: World, _t: Tenant) -> dict[str, Any]:
    return {"creator_account_id": w.studio.account_id}


ROWS: list[Case] = [
    # Offers.
    Case(
        "POST", f"{BASE}/offers", Kind.WRITE, ADMINS,
        body=lambda w, t: offer_body(advertiser(w, t).account_id, "Matrix yoghurt"),
        success=201,
    ),
    Case(
        "GET", f"{BASE}/offers", Kind.LIST, EVERYONE,
        belongs_to=lambda item, t: item["account_id"] == t.account_id,
    ),
    Case("GET", f"{BASE}/offers/{{offer_id}}", Kind.ONE, EVERYONE, params=_offer),
    Case(
        "PATCH", f"{BASE}/offers/{{offer_id}}", Kind.WRITE, ADMINS, params=_offer,
        body=lambda w, t: {"name": "Renamed"},
    ),
    Case(
        "POST", f"{BASE}/offers/{{offer_id}}/status", Kind.WRITE, ADMINS, params=_offer,
        body=lambda w, t: {"status": "paused"},
    ),
    Case(
        "POST", f"{BASE}/offers/{{offer_id}}/codes", Kind.WRITE, ADMINS, params=_offer,
        body=lambda w, t: {"codes": ["MTX-NEW5"]},
    ),
    Case(
        "POST", f"{BASE}/offers/{{offer_id}}/feed", Kind.WRITE, ADMINS, params=_offer,
        content=(b"order_id,status\nMTX-3,pending\n", "text/csv"),  # a repeat: unchanged
    ),
    Case(
        "POST", f"{BASE}/offers/{{offer_id}}/apply", Kind.WRITE, CREATOR_SIDE,
        params=lambda w, t: {"offer_id": _cw(w).open_offer_id},
        body=lambda w, t: {"creator_account_id": w.studio.account_id},
        success=201, foreign_status=403,
    ),
    Case(
        "POST", f"{BASE}/offers/{{offer_id}}/links", Kind.WRITE, CREATOR_SIDE, params=_offer,
        query=_studio_creator, body=lambda w, t: {"platform": "instagram"},
        success=201, foreign_status=403,
    ),
    # Creators and participations.
    Case(
        "PUT", f"{BASE}/profile", Kind.WRITE, CREATOR_SIDE,
        body=lambda w, t: profile_body(w.studio.account_id), foreign_status=403,
    ),
    Case("GET", f"{BASE}/profiles/{{account_id}}", Kind.ONE, EVERYONE, params=_studio),
    Case("GET", f"{BASE}/participations", Kind.LIST, EVERYONE, belongs_to=_mine),
    Case(
        "GET", f"{BASE}/participations/{{participation_id}}", Kind.ONE, EVERYONE,
        params=lambda w, t: {"participation_id": _cw(w).participation_id},
    ),
    Case(
        "POST", f"{BASE}/participations/{{participation_id}}/decision", Kind.WRITE, ADMINS,
        params=lambda w, t: {"participation_id": _cw(w).participation_id},
        body=lambda w, t: {"approve": True},
    ),
    # Conversions.
    Case("GET", f"{BASE}/conversions", Kind.LIST, EVERYONE, belongs_to=_mine),
    *[
        Case(
            method, f"{BASE}/conversions/{{conversion_id}}{suffix}", kind, allowed,
            params=lambda w, t: {"conversion_id": _cw(w).conversion_id}, body=body,
        )
        for method, suffix, kind, allowed, body in (
            ("GET", "", Kind.ONE, EVERYONE, None),
            ("POST", "/approve", Kind.WRITE, ADMINS, None),
            ("POST", "/decline", Kind.WRITE, ADMINS,
             lambda w, t: {"reason": "fraud", "text": "a bot placed it", "evidence": ["log"]}),
            ("POST", "/refund", Kind.WRITE, ADMINS, lambda w, t: {"amount_tiyn": 100}),
        )
    ],
    # Disputes and posts.
    Case(
        "POST", f"{BASE}/disputes", Kind.WRITE, CREATOR_SIDE,
        body=lambda w, t: {
            "kind": "missing_order", "offer_id": _cw(w).offer_id, "order_id": "MTX-LOST",
            "claimed_amount_tiyn": 1_000_000, "text": "the receipt is attached",
            "creator_account_id": w.studio.account_id,
        },
        success=201, foreign_status=403,
    ),
    Case("GET", f"{BASE}/disputes", Kind.LIST, EVERYONE, belongs_to=_mine),
    Case(
        "POST", f"{BASE}/disputes/{{dispute_id}}/resolve", Kind.WRITE, ADMINS,
        params=lambda w, t: {"dispute_id": _cw(w).dispute_id},
        body=lambda w, t: {"in_favour_of": "advertiser", "resolution": "the card was stolen"},
    ),
    Case(
        "POST", f"{BASE}/posts", Kind.WRITE, CREATOR_SIDE,
        body=lambda w, t: {
            "offer_id": _cw(w).offer_id, "creator_account_id": w.studio.account_id,
            "platform": "instagram", "url": "https://instagram.com/p/new",
            "caption": "Жарнама. Айран",
        },
        success=201, foreign_status=403,
    ),
    Case("GET", f"{BASE}/posts", Kind.LIST, EVERYONE, belongs_to=_mine),
    Case(
        "GET", f"{BASE}/posts/{{post_id}}", Kind.ONE, EVERYONE,
        params=lambda w, t: {"post_id": _cw(w).post_id},
    ),
    # Money.
    Case(
        "POST", f"{BASE}/escrow/deposits", Kind.WRITE, NETWORK,
        body=lambda w, t: {"advertiser_account_id": w.home.account_id, "amount_tiyn": 100},
        foreign_status=403,
    ),
    Case(
        "GET", f"{BASE}/balances/{{account_id}}", Kind.ONE, EVERYONE,
        params=lambda w, t: {"account_id": t.account_id},
    ),
    *[
        Case(
            "GET", f"{BASE}/statements/{{creator_account_id}}{suffix}", Kind.ONE, CREATOR_SIDE,
            params=_studio_creator, query=lambda w, t: {"month": "2026-01"},
            owns_none=ADVERTISER_MEMBERS,
        )
        for suffix in ("", "/csv")
    ],
    Case(
        "GET", f"{BASE}/tax-summary/{{creator_account_id}}", Kind.ONE, CREATOR_SIDE,
        params=_studio_creator, query=lambda w, t: {"year": 2026},
        owns_none=ADVERTISER_MEMBERS,
    ),
    Case("POST", f"{BASE}/payout-batches", Kind.WRITE, NETWORK, success=201, foreign_status=403),
    *[
        Case(
            method, f"{BASE}/payout-batches/{{batch_id}}{suffix}", kind, NETWORK,
            params=lambda w, t: {"batch_id": _cw(w).batch_id}, foreign_status=403,
        )
        for method, suffix, kind in (
            ("GET", "", Kind.ONE),
            ("GET", "/csv", Kind.ONE),
            ("POST", "/paid", Kind.WRITE),
        )
    ],
    # Reports: a foreign admin's report has no rows of home; naming home's offer answers 404.
    Case(
        "GET", f"{BASE}/reports", Kind.LIST, EVERYONE,
        belongs_to=lambda item, t: item["advertiser_account_id"] == t.account_id,
    ),
    Case("GET", f"{BASE}/reports/csv", Kind.ONE, EVERYONE, query=_offer),
    Case("POST", f"{BASE}/jobs/approve-due", Kind.WRITE, NETWORK, foreign_status=403),
    Case("POST", f"{BASE}/jobs/expire-disputes", Kind.WRITE, NETWORK, foreign_status=403),
]  # fmt: skip
