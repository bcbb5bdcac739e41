"""Per-request eligibility: campaign and ad group verdicts, memoised, as small integer codes.

The auction's inner loop visits every (candidate product, ad group) pair, so verdicts are
computed once per ad group per placement request and stored as an int: `OK`, `NEEDS_RELEVANCE`
(automatic targeting: the product itself must fit the query or category), or the code of a
`RejectionReason` (`code_of` / `reason_of` translate). Ints keep the hot loop to a dict
lookup and a comparison; the rejections are counted at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from jarnama.core.time import ALMATY
from jarnama.decisioning.messages import AuctionDeps, DecisionRequest, RejectionReason
from jarnama.decisioning.snapshot import (
    Channel,
    CompiledAdGroup,
    CompiledCampaign,
    DecisionSnapshot,
)
from jarnama.decisioning.text import terms

OK = 0
NEEDS_RELEVANCE = 1
_REASONS: tuple[RejectionReason, ...] = tuple(RejectionReason)
_CODES: Mapping[RejectionReason, int] = {reason: i + 2 for i, reason in enumerate(_REASONS)}


def code_of(reason: RejectionReason) -> int:
    """The verdict code of a rejection reason."""
    return _CODES[reason]


def reason_of(code: int) -> RejectionReason:
    """The rejection reason of a verdict code (>= 2)."""
    return _REASONS[code - 2]


OUT_OF_SCHEDULE = code_of(RejectionReason.OUT_OF_SCHEDULE)
OUTSIDE_DAYPART = code_of(RejectionReason.OUTSIDE_DAYPART)
BUDGET_EXHAUSTED = code_of(RejectionReason.BUDGET_EXHAUSTED)
PACING_THROTTLED = code_of(RejectionReason.PACING_THROTTLED)
PLACEMENT_MISMATCH = code_of(RejectionReason.PLACEMENT_MISMATCH)
FREQUENCY_CAPPED = code_of(RejectionReason.FREQUENCY_CAPPED)
CHANNEL_MISMATCH = code_of(RejectionReason.CHANNEL_MISMATCH)
LOCATION_MISMATCH = code_of(RejectionReason.LOCATION_MISMATCH)
AUDIENCE_MISMATCH = code_of(RejectionReason.AUDIENCE_MISMATCH)
NEGATIVE_KEYWORD = code_of(RejectionReason.NEGATIVE_KEYWORD)
KEYWORD_MISMATCH = code_of(RejectionReason.KEYWORD_MISMATCH)
CATEGORY_MISMATCH = code_of(RejectionReason.CATEGORY_MISMATCH)
NOT_RELEVANT = code_of(RejectionReason.NOT_RELEVANT)
BELOW_RESERVE = code_of(RejectionReason.BELOW_RESERVE)
UNKNOWN_PRODUCT = code_of(RejectionReason.UNKNOWN_PRODUCT)
PRODUCT_INACTIVE = code_of(RejectionReason.PRODUCT_INACTIVE)
OUT_OF_STOCK = code_of(RejectionReason.OUT_OF_STOCK)
NO_CREATIVE = code_of(RejectionReason.NO_CREATIVE)


class RequestContext:
    """What one request computes once and shares between its placements."""

    __slots__ = (
        "at",
        "campaigns",
        "city",
        "day",
        "deps",
        "frequency",
        "hour_of_week",
        "request",
        "snapshot",
    )

    def __init__(
        self, snapshot: DecisionSnapshot, request: DecisionRequest, deps: AuctionDeps
    ) -> None:
        """Resolve the request's Almaty day and hour of week, and its city (from the store)."""
        local = request.at.astimezone(ALMATY)
        self.snapshot = snapshot
        self.request = request
        self.deps = deps
        self.at: dt.datetime = request.at
        self.day = local.date()
        self.hour_of_week = local.weekday() * 24 + local.hour
        city = request.city
        if city is None and request.store_id is not None:
            city = snapshot.store_cities.get(request.store_id)
        self.city = city.casefold() if city else None
        self.campaigns: dict[int, int] = {}
        self.frequency: Mapping[int, tuple[int, int]] | None = None

    def campaign_verdict(self, campaign: CompiledCampaign) -> int:
        """Schedule, daypart, budget and the pacing coin, once per campaign per request."""
        verdict = self.campaigns.get(campaign.id)
        if verdict is not None:
            return verdict
        at = self.at
        verdict = OK
        if at < campaign.starts_at or (campaign.ends_at is not None and at >= campaign.ends_at):
            verdict = OUT_OF_SCHEDULE
        elif not (campaign.daypart_mask >> self.hour_of_week) & 1:
            verdict = OUTSIDE_DAYPART
        elif self.deps.state.budget_exhausted(campaign.id, self.day):
            verdict = BUDGET_EXHAUSTED
        elif campaign.even_pacing:
            rate = self.deps.state.pass_rate(campaign.id)
            if rate < 1.0 and self.deps.random() >= rate:
                verdict = PACING_THROTTLED
        self.campaigns[campaign.id] = verdict
        return verdict

    def filter_verdict(self, group: CompiledAdGroup, channel: Channel) -> int:
        """Channel, location, audience and frequency cap checks of one ad group."""
        request = self.request
        if group.channels and channel not in group.channels:
            return CHANNEL_MISMATCH
        if group.cities and self.city not in group.cities:
            return LOCATION_MISMATCH
        if group.store_ids and request.store_id not in group.store_ids:
            return LOCATION_MISMATCH
        if group.segment_ids and group.segment_ids.isdisjoint(request.segment_ids):
            return AUDIENCE_MISMATCH
        if (group.cap_day is not None or group.cap_week is not None) and request.user_id:
            if self.frequency is None:
                self.frequency = self.deps.state.frequency(request.user_id, request.at)
            seen_day, seen_week = self.frequency.get(group.campaign.id, (0, 0))
            if (group.cap_day is not None and seen_day >= group.cap_day) or (
                group.cap_week is not None and seen_week >= group.cap_week
            ):
                return FREQUENCY_CAPPED
        return OK


class ContextMatcher:
    """Which ad groups the placement request's query or category selects (computed once)."""

    __slots__ = (
        "category",
        "category_hits",
        "category_path",
        "keyword_hits",
        "negative_hits",
        "product_terms",
        "query_set",
        "query_terms",
    )

    def __init__(
        self, snapshot: DecisionSnapshot, query: str | None, category_id: int | None
    ) -> None:
        """Match the query against the keyword indexes, or resolve the category's path."""
        self.query_terms: tuple[str, ...] = terms(query) if query else ()
        query_terms = self.query_terms
        query_set = self.query_set = frozenset(query_terms)
        self.product_terms = snapshot.product_terms
        self.keyword_hits: set[int] = set()
        self.negative_hits: set[int] = set()
        for term in query_set:
            for rule, group in snapshot.keyword_index.get(term, ()):
                if group.id not in self.keyword_hits and rule.matches(query_terms, query_set):
                    self.keyword_hits.add(group.id)
            for rule, group in snapshot.negative_index.get(term, ()):
                if rule.matches(query_terms, query_set):
                    self.negative_hits.add(group.id)
        # A search inside a category is matched on its query; the category narrows nothing.
        self.category = None if query_terms else category_id
        self.category_path: tuple[int, ...] = ()
        self.category_hits: set[int] = set()
        if self.category is not None:
            self.category_path = snapshot.category_paths.get(self.category, (self.category,))
            for category_id in self.category_path:
                self.category_hits.update(
                    g.id for g in snapshot.category_index.get(category_id, ())
                )

    def verdict(self, group: CompiledAdGroup) -> int:
        """OK, NEEDS_RELEVANCE (automatic targeting) or why the context does not match."""
        if self.query_terms:
            if group.id in self.negative_hits:
                return NEGATIVE_KEYWORD
            if group.id in self.keyword_hits:
                return OK
            if group.automatic:
                return NEEDS_RELEVANCE
            return KEYWORD_MISMATCH if group.has_context_targeting else OK
        if self.category is not None:
            if group.id in self.category_hits:
                return OK
            if group.automatic:
                return NEEDS_RELEVANCE
            return CATEGORY_MISMATCH if group.has_context_targeting else OK
        if group.has_context_targeting and not group.automatic:
            return KEYWORD_MISMATCH
        return OK

    def relevant(self, product_id: int, path: tuple[int, ...]) -> bool:
        """Automatic targeting: the product's text covers the query, or it is in the category."""
        if self.query_terms:
            words = self.product_terms.get(product_id)
            return words is not None and self.query_set <= words
        return self.category is None or self.category in path

    def candidates(self, snapshot: DecisionSnapshot, placement_id: int) -> list[int]:
        """Products to auction when the retailer sent none: keyword, automatic or category hits."""
        found: set[int] = set()
        if self.query_terms:
            for group_id in self.keyword_hits - self.negative_hits:
                group = snapshot.ad_groups[group_id]
                if placement_id in group.effective_bids:
                    found.update(group.product_ids)
            common: frozenset[int] | None = None
            for term in self.query_set:
                products = snapshot.term_index.get(term, frozenset())
                common = products if common is None else common & products
            found.update(common or ())
        elif self.category is not None:
            found.update(snapshot.category_products.get(self.category, ()))
        return sorted(found)


def group_verdict(
    context: RequestContext,
    matcher: ContextMatcher,
    group: CompiledAdGroup,
    placement_id: int,
    channel: Channel,
) -> tuple[int, int]:
    """(verdict code, effective bid) of an ad group for one placement request.

    The context (keywords, category) is checked first: it needs no state, and the pacing
    coin must only be tossed for requests the campaign actually matches.
    """
    bid = group.effective_bids.get(placement_id)
    if bid is None:
        # The product is promoted, but not by an ad group allowed on this placement.
        return PLACEMENT_MISMATCH, 0
    context_verdict = matcher.verdict(group)
    if context_verdict > NEEDS_RELEVANCE:
        return context_verdict, bid
    verdict = context.campaign_verdict(group.campaign)
    if verdict == OK and group.has_filters:
        verdict = context.filter_verdict(group, channel)
    return (context_verdict if verdict == OK else verdict), bid
