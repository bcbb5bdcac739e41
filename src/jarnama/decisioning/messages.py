"""What goes into and comes out of the auction: requests, winners, rejections, collaborators."""

from __future__ import annotations

import base64
import datetime as dt
import enum
import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from jarnama.decisioning.ranking import Ranker
from jarnama.decisioning.snapshot import AdKind, Channel
from jarnama.decisioning.state import MTIYN_PER_TIYN, ServingState


class RejectionReason(enum.StrEnum):
    """Why an ad (or a whole placement request) did not win."""

    # Request problems (the placement's `error`).
    INVALID_TIMESTAMP = "invalid_timestamp"
    UNKNOWN_PLACEMENT = "unknown_placement"
    INVALID_SLOTS = "invalid_slots"
    TOO_MANY_CANDIDATES = "too_many_candidates"
    INVALID_QUALITY_SCORES = "invalid_quality_scores"
    # Per product.
    UNKNOWN_PRODUCT = "unknown_product"
    PRODUCT_INACTIVE = "product_inactive"
    OUT_OF_STOCK = "out_of_stock"
    # Per campaign.
    OUT_OF_SCHEDULE = "out_of_schedule"
    OUTSIDE_DAYPART = "outside_daypart"
    BUDGET_EXHAUSTED = "budget_exhausted"
    PACING_THROTTLED = "pacing_throttled"
    # Per ad group.
    PLACEMENT_MISMATCH = "placement_mismatch"
    FREQUENCY_CAPPED = "frequency_capped"
    CHANNEL_MISMATCH = "channel_mismatch"
    LOCATION_MISMATCH = "location_mismatch"
    AUDIENCE_MISMATCH = "audience_mismatch"
    NEGATIVE_KEYWORD = "negative_keyword"
    KEYWORD_MISMATCH = "keyword_mismatch"
    CATEGORY_MISMATCH = "category_mismatch"
    NOT_RELEVANT = "not_relevant"
    NO_CREATIVE = "no_creative"
    # In the auction.
    BELOW_RESERVE = "below_reserve"
    DUPLICATE_PRODUCT = "duplicate_product"
    DUPLICATE_ADVERTISER = "duplicate_advertiser"
    OUTBID = "outbid"
    # The campaign holds this user out (incrementality): a ghost is logged instead.
    HELD_OUT = "held_out"


# OpenRTB 2.6 loss reason codes; 1000+ are exchange-specific (ours).
_STANDARD_LOSS_CODES = {
    RejectionReason.BELOW_RESERVE: 100,
    RejectionReason.OUTBID: 102,
    RejectionReason.NO_CREATIVE: 203,
    RejectionReason.DUPLICATE_ADVERTISER: 205,
}
LOSS_CODES: Mapping[RejectionReason, int] = {
    reason: _STANDARD_LOSS_CODES.get(reason, 1000 + index)
    for index, reason in enumerate(RejectionReason)
}


@dataclass(frozen=True, slots=True)
class PlacementRequest:
    """One placement (slot group) on the page and what to fill it for."""

    placement_id: int
    slots: int | None = None
    query: str | None = None
    category_id: int | None = None
    # The retailer's own candidates (search results), at most `rules.max_candidates`; an
    # int64 array from the SKU index (-1: unknown SKU) or a tuple.
    product_ids: tuple[int, ...] | npt.NDArray[np.int64] | None = None
    # Optional quality per candidate in (0, 1], replacing the ranker's prediction.
    quality_scores: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """One page view: its instant (aware), placements, user and context."""

    at: dt.datetime
    placements: tuple[PlacementRequest, ...]
    user_id: str | None = None
    city: str | None = None
    store_id: int | None = None
    channel: Channel | None = None
    segment_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Winner:
    """A winning ad in one slot and what it costs per billable event."""

    placement_id: int
    rank: int
    ad_group_id: int
    campaign_id: int
    advertiser_id: int
    kind: AdKind
    product_id: int | None
    creative_id: int | None
    bid_tiyn: int
    quality_ppm: int
    score: int
    # Per click for listings (CPC), per thousand impressions for banners and screens (CPM).
    price_tiyn: int
    resolved_bid_id: str

    @property
    def billable_event(self) -> str:
        """'click' for CPC listings, 'impression' for CPM banners and screens."""
        return "click" if self.kind is AdKind.SPONSORED_LISTING else "impression"

    @property
    def charge_mtiyn(self) -> int:
        """What one billable event charges, in milli-tiyn (the state store's unit)."""
        if self.kind is AdKind.SPONSORED_LISTING:
            return self.price_tiyn * MTIYN_PER_TIYN
        return self.price_tiyn


@dataclass(frozen=True, slots=True)
class PlacementDecision:
    """The winners of one placement request, the rejection counts, or the request's problem."""

    placement_id: int
    winners: tuple[Winner, ...] = ()
    rejections: Mapping[RejectionReason, int] = field(default_factory=dict)
    error: RejectionReason | None = None
    # Ads the user's holdout kept off the page (ghost ads): logged for measurement, not shown.
    ghosts: tuple[Winner, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one `DecisionRequest`, placement by placement."""

    placements: tuple[PlacementDecision, ...]
    snapshot_version: int


def new_resolved_bid_id() -> str:
    """A unique, opaque id for a winning bid (96 random bits, URL-safe)."""
    return base64.urlsafe_b64encode(os.urandom(12)).decode()


@dataclass(frozen=True, slots=True)
class AuctionDeps:
    """The auction's collaborators, bundled."""

    state: ServingState
    ranker: Ranker
    random: Callable[[], float] = random.random
    new_bid_id: Callable[[], str] = new_resolved_bid_id
    # (campaign id, user id) -> held out of the campaign (measurement's ghost ads); None: never.
    holds_out: Callable[[int, str], bool] | None = None
