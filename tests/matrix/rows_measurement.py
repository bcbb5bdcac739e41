"""Matrix rows of measurement settings, holdouts and lift.

The attribution settings are network data every caller may read and only the network admin
changes; a campaign's holdout share is the network admin's too; a campaign's lift is its
owner's (and the network's) to read. Creators get 403 on campaign measurement.
"""

from __future__ import annotations

from typing import Any

from tests.matrix.case import EVERYONE, NETWORK, NOT_CREATORS, Case, Kind, advertiser
from tests.matrix.world import Tenant, World

_RULES = {"click_window_days": 7, "view_window_days": 1, "match_level": "brand"}


def _campaign(w: World, t: Tenant) -> dict[str, Any]:
    return {"campaign_id": advertiser(w, t).campaign_id}


ROWS: list[Case] = [
    Case("GET", "/api/v1/measurement/settings", Kind.SHARED, EVERYONE),
    Case(
        "PUT",
        "/api/v1/measurement/settings",
        Kind.WRITE,
        NETWORK,
        body=lambda w, t: {"network": _RULES, "campaign_types": {"banner": _RULES}},
        foreign_status=403,  # network data: a role check, nothing to find
    ),
    Case(
        "PUT",
        "/api/v1/measurement/campaigns/{campaign_id}/holdout",
        Kind.WRITE,
        NETWORK,
        params=_campaign,
        body=lambda w, t: {"share": "0.1"},
        foreign_status=403,  # a role check before any lookup: no existence leak
    ),
    Case(
        "GET",
        "/api/v1/measurement/campaigns/{campaign_id}/lift",
        Kind.ONE,
        NOT_CREATORS,
        params=lambda w, t: {
            **_campaign(w, t),
        },
        query=lambda w, t: {"since": "2026-03-01", "until": "2026-03-02"},
    ),
]
