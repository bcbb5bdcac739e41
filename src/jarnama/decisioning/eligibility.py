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

import numpy as np
import numpy.typing as npt

from jarnama.core.time import ALMATY
from jarnama.decisioning.messages import AuctionDeps, DecisionRequest, RejectionReason
from jarnama.decisioning.snapshot import (
    Channel,
    CompiledAdGroup,
    CompiledCampaign,
    DecisionSnapshot,
    QueryMatch,
    remember,
)
from jarnama.decisioning.text import terms

OK = 0
NEEDS_RELEVANCE = 1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The kinds of context a placement request has: a search query, a category page, or neither.
QUERY, CATEGORY, PLAIN = 0, 1, 2
_HOUR = dt.timedelta(hours=1)
_MICROSECOND = dt.timedelta(microseconds=1)
_REASONS: tuple[RejectionReason, ...] = tuple(RejectionReason)
_CODES: Mapping[RejectionReason, int] = {reason: i + 2 for i, reason in enumerate(_REASONS)}
# How many verdict codes there are (OK, NEEDS_RELEVANCE and one per rejection reason).
CODE_COUNT = len(_REASONS) + 2


# A `RejectionReason` value → its code (the snapshot stores product problems as values).
CODES_BY_VALUE: Mapping[str, int] = {reason.value: code for reason, code in _CODES.items()}


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


def epoch_micros(at: dt.datetime) -> int:
    """Exact microseconds since the Unix epoch of an aware instant."""
    return (at - _EPOCH) // _MICROSECOND


class RequestContext:
    """What one request computes once and shares between its placements."""

    __slots__ = (
        "at",
        "at_micros",
        "campaign_codes",
        "campaign_rows",
        "campaigns",
        "city",
        "day",
        "deps",
        "frequency",
        "hour_of_week",
        "request",
        "schedule",
        "snapshot",
        "utc_hour",
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
        # The array path's campaign verdicts by campaign row (-1: not yet), and the rows.
        self.campaign_codes: npt.NDArray[np.int16] | None = None
        self.campaign_rows: Mapping[int, int] = {}
        self.at_micros: int = epoch_micros(request.at)
        self.frequency: Mapping[int, tuple[int, int]] | None = None
        # Schedule and daypart verdicts hold for a whole UTC hour (Almaty's offset is whole
        # hours), so they are memoised per snapshot and hour; the key carries the Almaty hour
        # of week too, so a zone rule change can never reuse another hour's verdicts.
        self.utc_hour: int = (request.at - _EPOCH) // _HOUR  # exact, unlike float seconds
        hours = snapshot.memo.hours
        key = (self.utc_hour, self.hour_of_week)
        schedule = hours.get(key)
        self.schedule = remember(hours, key, {}) if schedule is None else schedule

    def campaign_verdict(self, campaign: CompiledCampaign) -> int:
        """Schedule, daypart, budget and the pacing coin, once per campaign per request."""
        verdict = self.campaigns.get(campaign.id)
        if verdict is not None:
            return verdict
        if self.campaign_codes is not None:
            row = self.campaign_rows.get(campaign.id)
            if row is not None and self.campaign_codes[row] >= 0:
                verdict = self.campaigns[campaign.id] = int(self.campaign_codes[row])
                return verdict
        verdict = self.schedule.get(campaign.id)
        if verdict is None:
            verdict = self.schedule_verdict(campaign)
        if verdict == OK:
            if self.deps.state.budget_exhausted(campaign.id, self.day):
                verdict = BUDGET_EXHAUSTED
            elif campaign.even_pacing:
                rate = self.deps.state.pass_rate(campaign.id)
                if rate < 1.0 and self.deps.random() >= rate:
                    verdict = PACING_THROTTLED
        self.campaigns[campaign.id] = verdict
        return verdict

    def schedule_verdict(self, campaign: CompiledCampaign) -> int:
        """OK, OUT_OF_SCHEDULE or OUTSIDE_DAYPART at the request's instant.

        Memoised for the hour unless the campaign starts or ends strictly inside it.
        """
        at = self.at
        verdict = OK
        if at < campaign.starts_at or (campaign.ends_at is not None and at >= campaign.ends_at):
            verdict = OUT_OF_SCHEDULE
        elif not (campaign.daypart_mask >> self.hour_of_week) & 1:
            verdict = OUTSIDE_DAYPART
        hour_start = _EPOCH + dt.timedelta(hours=self.utc_hour)
        hour_end = hour_start + _HOUR
        if not hour_start < campaign.starts_at < hour_end and not (
            campaign.ends_at is not None and hour_start < campaign.ends_at < hour_end
        ):
            self.schedule[campaign.id] = verdict
        return verdict

    def filter_verdict(self, group: CompiledAdGroup, channel: Channel | str) -> int:
        """Channel, location, audience and frequency cap checks of one ad group."""
        verdict = self.static_verdict(group, channel)
        return verdict if verdict != OK else self.dynamic_verdict(group)

    def static_verdict(self, group: CompiledAdGroup, channel: Channel | str) -> int:
        """The checks that depend only on the request's channel, city and store."""
        if group.channels and channel not in group.channels:
            return CHANNEL_MISMATCH
        if group.cities and self.city not in group.cities:
            return LOCATION_MISMATCH
        if group.store_ids and self.request.store_id not in group.store_ids:
            return LOCATION_MISMATCH
        return OK

    def dynamic_verdict(self, group: CompiledAdGroup) -> int:
        """The checks that depend on the user: audience segments and frequency caps."""
        request = self.request
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
    """Which ad groups the placement request's query or category selects.

    Everything here depends only on the snapshot and the query or category, so it is
    computed once per snapshot (`DecisionSnapshot.memo`) and shared by later requests.
    """

    __slots__ = (
        "category",
        "category_hits",
        "category_path",
        "defaults",
        "hits",
        "keyword_hits",
        "mode",
        "negative_hits",
        "negatives",
        "query",
        "query_set",
        "query_terms",
        "relevant_products",
    )

    def __init__(
        self, snapshot: DecisionSnapshot, query: str | None, category_id: int | None
    ) -> None:
        """Match the query against the keyword indexes, or resolve the category's path."""
        memo = snapshot.memo
        match: QueryMatch | None = None
        if query:
            match = memo.queries.get(query)
            if match is None:
                match = remember(memo.queries, query, _match_query(snapshot, query))
        if match is not None and match.terms:
            self.query: str | None = query
            self.query_terms: tuple[str, ...] = match.terms
            self.query_set: frozenset[str] = match.term_set
            self.keyword_hits: frozenset[int] = match.keyword_hits
            self.negative_hits: frozenset[int] = match.negative_hits
            # Automatic targeting: the products whose text covers the query (None: by category).
            self.relevant_products: frozenset[int] | None = match.relevant
        else:
            self.query = None
            self.query_terms = ()
            self.query_set = frozenset()
            self.keyword_hits = self.negative_hits = frozenset()
            self.relevant_products = None
        # A search inside a category is matched on its query; the category narrows nothing.
        self.category = None if self.query_terms else category_id
        self.category_path: tuple[int, ...] = ()
        self.category_hits: frozenset[int] = frozenset()
        if self.category is not None:
            resolved = memo.categories.get(self.category)
            if resolved is None:
                resolved = remember(
                    memo.categories, self.category, _match_category(snapshot, self.category)
                )
            self.category_path, self.category_hits = resolved
        # The verdict is NEGATIVE_KEYWORD for a negative hit, OK for a keyword (or category)
        # hit, else the ad group's default for this kind of context (see `_context_defaults`).
        mode = QUERY if self.query_terms else CATEGORY if self.category is not None else PLAIN
        self.mode: int = mode
        self.negatives = self.negative_hits
        self.hits = self.keyword_hits if mode == QUERY else self.category_hits
        defaults = memo.context_defaults.get(mode)
        if defaults is None:
            defaults = memo.context_defaults[mode] = _context_defaults(snapshot, mode)
        self.defaults: Mapping[int, int] = defaults

    def verdict(self, group: CompiledAdGroup) -> int:
        """OK, NEEDS_RELEVANCE (automatic targeting) or why the context does not match."""
        group_id = group.id
        if group_id in self.negatives:
            return NEGATIVE_KEYWORD
        if group_id in self.hits:
            return OK
        return self.defaults[group_id]

    def relevant(self, product_id: int, path: tuple[int, ...]) -> bool:
        """Automatic targeting: the product's text covers the query, or it is in the category."""
        if self.relevant_products is not None:
            return product_id in self.relevant_products
        return self.category is None or self.category in path

    def candidates(self, snapshot: DecisionSnapshot, placement_id: int) -> tuple[int, ...]:
        """Products to auction when the retailer sent none: keyword, automatic or category hits.

        Only products with ads on the placement are kept (the others could not win nor be
        rejected), and at most `rules.max_candidates` of them, the same cap as for the
        retailer's own lists: those whose best effective bid there is highest (ties by id),
        in id order. Memoised per snapshot, placement and query or category.
        """
        key = (placement_id, self.query, self.category)
        retrieved = snapshot.memo.retrievals.get(key)
        if retrieved is None:
            retrieved = remember(
                snapshot.memo.retrievals, key, self._retrieve(snapshot, placement_id)
            )
        return retrieved

    def _retrieve(self, snapshot: DecisionSnapshot, placement_id: int) -> tuple[int, ...]:
        found: set[int] = set()
        if self.query_terms:
            for group_id in self.keyword_hits - self.negative_hits:
                group = snapshot.ad_groups[group_id]
                if placement_id in group.effective_bids:
                    found.update(group.product_ids)
            if self.relevant_products:
                found.update(self.relevant_products)
        elif self.category is not None:
            found.update(snapshot.category_products.get(self.category, ()))
        order = bid_order(snapshot, placement_id)
        kept = [product_id for product_id in found if product_id in order]
        limit = snapshot.rules.max_candidates
        if len(kept) > limit:
            # Ranks precomputed per snapshot: a C-level sort key instead of a max() per product.
            kept = sorted(kept, key=order.__getitem__)[:limit]
        return tuple(sorted(kept))


def bid_order(snapshot: DecisionSnapshot, placement_id: int) -> dict[int, int]:
    """Promoted product → rank by its best effective bid on the placement (ties by id)."""
    order = snapshot.memo.bid_order.get(placement_id)
    if order is None:
        slots = snapshot.listing_slots.get(placement_id, {})
        ranked = sorted(slots, key=lambda p: (-max(bid for _, bid, _ in slots[p][2]), p))
        order = snapshot.memo.bid_order[placement_id] = {p: i for i, p in enumerate(ranked)}
    return order


def _context_defaults(snapshot: DecisionSnapshot, mode: int) -> dict[int, int]:
    """Each ad group's context verdict when the request's query or category does not hit it.

    Searches: automatic targeting needs the product to be relevant, keyword or category
    targeting does not match, an untargeted group serves. Category pages: the same with a
    category mismatch. Neither: only keyword or category targeting without automatic fails.
    """
    defaults: dict[int, int] = {}
    for group_id, group in snapshot.ad_groups.items():
        if mode == PLAIN:
            targeted_only = group.has_context_targeting and not group.automatic
            defaults[group_id] = KEYWORD_MISMATCH if targeted_only else OK
        elif group.automatic:
            defaults[group_id] = NEEDS_RELEVANCE
        elif group.has_context_targeting:
            defaults[group_id] = KEYWORD_MISMATCH if mode == QUERY else CATEGORY_MISMATCH
        else:
            defaults[group_id] = OK
    return defaults


def warm(snapshot: DecisionSnapshot) -> None:
    """Build the snapshot's request-independent memos now, off the request path."""
    for mode in (QUERY, CATEGORY, PLAIN):
        snapshot.memo.context_defaults[mode] = _context_defaults(snapshot, mode)
    for placement_id in snapshot.listing_slots:
        bid_order(snapshot, placement_id)


def _match_query(snapshot: DecisionSnapshot, query: str) -> QueryMatch:
    """The keyword, negative keyword and automatic-targeting hits of one query."""
    query_terms = terms(query)
    query_set = frozenset(query_terms)
    keyword_hits: set[int] = set()
    negative_hits: set[int] = set()
    for term in query_set:
        for rule, group in snapshot.keyword_index.get(term, ()):
            if group.id not in keyword_hits and rule.matches(query_terms, query_set):
                keyword_hits.add(group.id)
        for rule, group in snapshot.negative_index.get(term, ()):
            if rule.matches(query_terms, query_set):
                negative_hits.add(group.id)
    # A product is relevant when its words (`product_terms`) include every query term, i.e.
    # when it is in the term index of each of them.
    relevant: frozenset[int] | None = None
    for term in query_set:
        products = snapshot.term_index.get(term, frozenset())
        relevant = products if relevant is None else relevant & products
    return QueryMatch(
        terms=query_terms,
        term_set=query_set,
        keyword_hits=frozenset(keyword_hits),
        negative_hits=frozenset(negative_hits),
        relevant=relevant or frozenset(),
    )


def _match_category(
    snapshot: DecisionSnapshot, category_id: int
) -> tuple[tuple[int, ...], frozenset[int]]:
    """The category's path and the ad groups targeting it or one of its ancestors."""
    path = snapshot.category_paths.get(category_id, (category_id,))
    hits: set[int] = set()
    for ancestor in path:
        hits.update(g.id for g in snapshot.category_index.get(ancestor, ()))
    return path, frozenset(hits)


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
    return listing_verdict(context, matcher, group, channel), bid


def listing_verdict(
    context: RequestContext, matcher: ContextMatcher, group: CompiledAdGroup, channel: Channel
) -> int:
    """The verdict code of an ad group already known to be allowed on the placement.

    The context (keywords, category) is checked first: it needs no state, and the pacing
    coin must only be tossed for requests the campaign actually matches.
    """
    context_verdict = matcher.verdict(group)
    if context_verdict > NEEDS_RELEVANCE:
        return context_verdict
    verdict = context.campaign_verdict(group.campaign)
    if verdict == OK and group.has_filters:
        verdict = context.filter_verdict(group, channel)
    return context_verdict if verdict == OK else verdict
