"""Matrix rows of the campaigns domain.

Advertisers (and agencies acting for them) run their own campaigns, ad groups and creatives;
analysts read them; the network admin sees all, and alone reviews creatives and manages
audience segments (network data every advertiser may target). Creators get 403 throughout.
Paths for a creator name `home`'s objects (see `advertiser`): the 403 must not depend on them.
"""

from __future__ import annotations

from typing import Any

from tests.matrix.case import (
    ADMINS,
    NETWORK,
    NOT_CREATORS,
    Case,
    Kind,
    account_filter,
    advertiser,
    owned,
)
from tests.matrix.world import BANNER, ENDS, SEGMENT_CODE, STARTS, Tenant, World


def _campaign(w: World, t: Tenant) -> dict[str, Any]:
    return {"campaign_id": advertiser(w, t).campaign_id}


def _ad_group(w: World, t: Tenant) -> dict[str, Any]:
    return {"ad_group_id": advertiser(w, t).ad_group_id}


def _creative(w: World, t: Tenant) -> dict[str, Any]:
    return {"creative_id": advertiser(w, t).creative_id}


def _segment(w: World, _t: Tenant) -> dict[str, Any]:
    return {"segment_id": w.network.segment_id}


ROWS: list[Case] = [
    # Campaigns.
    Case(
        "POST",
        "/api/v1/campaigns",
        Kind.WRITE,
        ADMINS,
        body=lambda w, t: {
            "account_id": t.account_id,
            "name": "Matrix week",
            "daily_budget_tiyn": 100_000,
            "starts_at": STARTS.isoformat(),
            "ends_at": ENDS.isoformat(),
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/campaigns",
        Kind.LIST,
        NOT_CREATORS,
        query=account_filter,
        belongs_to=owned("account_id"),
    ),
    Case("GET", "/api/v1/campaigns/{campaign_id}", Kind.ONE, NOT_CREATORS, params=_campaign),
    Case(
        "PATCH",
        "/api/v1/campaigns/{campaign_id}",
        Kind.WRITE,
        ADMINS,
        params=_campaign,
        body=lambda w, t: {"name": "Renamed by the matrix", "daily_budget_tiyn": 90_000},
    ),
    Case(
        "POST",
        "/api/v1/campaigns/{campaign_id}/status",
        Kind.WRITE,
        ADMINS,
        params=_campaign,
        body=lambda w, t: {"status": "active"},
    ),
    # Ad groups: products must be the advertiser's own; the bid clears every minimum.
    Case(
        "POST",
        "/api/v1/ad-groups",
        Kind.WRITE,
        ADMINS,
        body=lambda w, t: {
            "campaign_id": advertiser(w, t).campaign_id,
            "name": "Matrix listing",
            "kind": "sponsored_listing",
            "bid_tiyn": 600,
            "product_ids": [advertiser(w, t).product_id],
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/ad-groups",
        Kind.LIST,
        NOT_CREATORS,
        query=_campaign,
        belongs_to=owned("account_id"),
    ),
    Case("GET", "/api/v1/ad-groups/{ad_group_id}", Kind.ONE, NOT_CREATORS, params=_ad_group),
    Case(
        "PATCH",
        "/api/v1/ad-groups/{ad_group_id}",
        Kind.WRITE,
        ADMINS,
        params=_ad_group,
        body=lambda w, t: {"bid_tiyn": 700},
    ),
    Case(
        "POST",
        "/api/v1/ad-groups/{ad_group_id}/status",
        Kind.WRITE,
        ADMINS,
        params=_ad_group,
        body=lambda w, t: {"status": "paused"},
    ),
    # Creatives: the advertiser's own, reviewed by the network admin.
    Case(
        "POST",
        "/api/v1/creatives",
        Kind.WRITE,
        ADMINS,
        body=lambda w, t: {
            "ad_group_id": advertiser(w, t).banner_group_id,
            "name": "Matrix 728",
            "asset_url": "https://cdn.example.kz/matrix-728x90.png",
            "landing_url": "https://magnum.kz/matrix",
            **BANNER,
        },
        success=201,
    ),
    Case(
        "GET",
        "/api/v1/creatives",
        Kind.LIST,
        NOT_CREATORS,
        query=lambda w, t: {"ad_group_id": advertiser(w, t).banner_group_id},
        belongs_to=owned("account_id"),
    ),
    Case("GET", "/api/v1/creatives/{creative_id}", Kind.ONE, NOT_CREATORS, params=_creative),
    Case(
        "PATCH",
        "/api/v1/creatives/{creative_id}",
        Kind.WRITE,
        ADMINS,
        params=_creative,
        body=lambda w, t: {"name": "Renamed by the matrix"},
    ),
    Case(
        "POST",
        "/api/v1/creatives/{creative_id}/approve",
        Kind.WRITE,
        NETWORK,
        params=_creative,
        foreign_status=403,  # a role check before any lookup: no existence leak
    ),
    Case(
        "POST",
        "/api/v1/creatives/{creative_id}/reject",
        Kind.WRITE,
        NETWORK,
        params=_creative,
        body=lambda w, t: {"reason": "The asset shows a competitor's logo."},
        foreign_status=403,  # a role check before any lookup: no existence leak
    ),
    # Audience segments: network data; only the network admin defines and fills them.
    Case(
        "POST",
        "/api/v1/audience-segments",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {"code": "matrix-new", "name": "New buyers"},
        foreign_status=403,
        success=201,
    ),
    Case("GET", "/api/v1/audience-segments", Kind.SHARED, NOT_CREATORS),
    Case(
        "GET",
        "/api/v1/audience-segments/{segment_id}",
        Kind.SHARED,
        NOT_CREATORS,
        params=_segment,
    ),
    Case(
        "PATCH",
        "/api/v1/audience-segments/{segment_id}",
        Kind.WRITE,
        NETWORK,
        params=_segment,
        body=lambda w, t: {"name": "Renamed by the matrix"},
        foreign_status=403,
    ),
    Case(
        "POST",
        "/api/v1/audience-segments/import",
        Kind.WRITE,
        NETWORK,
        content=(f"segment,user_id\n{SEGMENT_CODE},shopper-1\n".encode(), "text/csv"),
        foreign_status=403,
    ),
]
