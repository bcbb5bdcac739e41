"""The decision service: the native API's `decide` and the billable-event `charge_event`.

Both are the entry points other front doors (Topsort `/v2/auctions`, `/v2/events`) call.
`decide` reads only the runtime's in-memory network (no SQL, no ORM). `charge_event` verifies
the signed resolved bid id (no look-up), charges the state store once per bid (idempotent; a
charge reaching a budget stops the campaign everywhere) and writes the ledger row in the
caller's session; the request edge commits.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, JarnamaError
from jarnama.core.time import business_day, utcnow
from jarnama.decisioning import ledger, repository
from jarnama.decisioning.auction import decide as run_auction
from jarnama.decisioning.messages import (
    DecisionRequest,
    PlacementRequest,
    RejectionReason,
    Winner,
)
from jarnama.decisioning.models import BilledEvent, SpendEntry
from jarnama.decisioning.ranking import EngagementCount
from jarnama.decisioning.schemas import (
    MAX_CANDIDATES,
    AnyRequestBody,
    BillingModel,
    DecisionResponse,
    LeanPlacementAsk,
    PlacementAsk,
    WinnerKind,
    WireCreative,
    WireDecision,
    WirePlacement,
    WireWinner,
    encode_decision,
)
from jarnama.decisioning.snapshot import AdKind
from jarnama.decisioning.state import Budgeted, BudgetLimits, ChargeStatus
from jarnama.decisioning.tokens import BidClaims, TokenError

if TYPE_CHECKING:
    from jarnama.decisioning.compiler import ServingNetwork
    from jarnama.decisioning.runtime import DecisionRuntime

AnyPlacementAsk = PlacementAsk | LeanPlacementAsk

# What a product id the retailer sent as an unknown SKU becomes: never a catalog id.

_REQUEST_PROBLEMS = {
    RejectionReason.UNKNOWN_PLACEMENT: ("placement", "unknown or inactive placement code"),
    RejectionReason.INVALID_SLOTS: ("slots", "slots must be between 1 and 50"),
    RejectionReason.TOO_MANY_CANDIDATES: ("candidates", "at most 500 candidates"),
    RejectionReason.INVALID_QUALITY_SCORES: (
        "candidates.quality_scores",
        "one quality score in (0, 1] per candidate",
    ),
    RejectionReason.INVALID_TIMESTAMP: ("", "the decision instant must be timezone-aware"),
}


class EventKind(enum.StrEnum):
    """A tracked event of a winning ad."""

    IMPRESSION = "impression"
    CLICK = "click"


class EventStatus(enum.StrEnum):
    """What an event did to the advertiser's spend."""

    CHARGED = "charged"
    DUPLICATE = "duplicate"
    NOT_BILLABLE = "not_billable"
    BUDGET_EXHAUSTED = "budget_exhausted"
    UNAVAILABLE = "unavailable"


class TokenRejected(JarnamaError):
    """A resolved bid id that is malformed, tampered with, signed by an unknown key or expired."""

    status_code = 400
    code = "invalid_resolved_bid_id"


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """The result of one tracked event (charged amount in milli-tiyn; 0 unless charged)."""

    status: EventStatus
    bid_id: str
    campaign_id: int
    amount_mtiyn: int
    landing_url: str | None


class _PlacementProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def decide(
    runtime: DecisionRuntime,
    request: AnyRequestBody,
    now: dt.datetime | None = None,
    *,
    strict: bool = True,
) -> DecisionResponse:
    """Run one page view's auctions on the runtime's current snapshot (no SQL).

    strict=True raises `InvalidInput` naming the field for a bad placement; strict=False
    answers that placement with `error` set and no winners (for the Topsort translator).
    """
    return decide_wire(runtime, request, now, strict=strict).to_response()


def decide_json(
    runtime: DecisionRuntime, request: AnyRequestBody, now: dt.datetime | None = None
) -> bytes:
    """`decide(...)` (strict) rendered as its JSON, byte for byte `model_dump_json()`'s."""
    return encode_decision(decide_wire(runtime, request, now))


def decide_wire(
    runtime: DecisionRuntime,
    request: AnyRequestBody,
    now: dt.datetime | None = None,
    *,
    strict: bool = True,
) -> WireDecision:
    """`decide` as msgspec structs (what the decision route encodes without pydantic)."""
    started = time.perf_counter()
    network = runtime.network  # one consistent version for the whole request
    snapshot = network.snapshot
    now = now or utcnow()
    context = request.context
    store_id: int | None = None
    if context.store_code is not None:
        store_id = network.store_by_code.get(context.store_code)
        if store_id is None:
            raise InvalidInput("unknown or inactive store code", field="context.store_code")

    placements: Sequence[AnyPlacementAsk] = request.placements
    asks: list[PlacementRequest | None] = []
    problems: dict[int, _PlacementProblem] = {}
    for index, ask in enumerate(placements):
        try:
            asks.append(_placement_request(network, ask))
        except _PlacementProblem as problem:
            if strict:
                raise InvalidInput(
                    problem.message, field=f"placements[{index}].{problem.field}"
                ) from None
            problems[index] = problem
            asks.append(None)

    user_id = request.user_id
    segments: frozenset[int] = frozenset()
    if user_id and network.segments_by_user_hash:
        user_hash = hashlib.sha256(user_id.strip().encode()).hexdigest()
        segments = network.segments_by_user_hash.get(user_hash, frozenset())
    engine_request = DecisionRequest(
        at=now,
        placements=tuple(a for a in asks if a is not None),
        user_id=user_id,
        city=context.city,
        store_id=store_id,
        channel=context.channel,
        segment_ids=segments,
    )
    decision = run_auction(snapshot, engine_request, runtime.deps)

    winners = _Winners(runtime, network, user_id, now)
    results: list[WirePlacement] = []
    rejected: list[Mapping[RejectionReason, int]] = []
    decided = iter(decision.placements)
    for index, ask in enumerate(placements):
        failed = problems.get(index)
        if failed is not None:
            results.append(WirePlacement(ask.placement, ask.slots or 0, [], failed.message))
            continue
        placed = next(decided)
        compiled = snapshot.placements.get(placed.placement_id)
        slots = ask.slots or (compiled.slots if compiled is not None else 0)
        if placed.error is not None:
            field, message = _REQUEST_PROBLEMS.get(placed.error, ("", placed.error.value))
            if strict:
                raise InvalidInput(message, field=f"placements[{index}].{field}".rstrip("."))
            results.append(WirePlacement(ask.placement, slots, [], message))
            continue
        rejected.append(placed.rejections)
        # Ghost ads: held-out users' ghosts and treated users' served ads, both logged here.
        runtime.ghosts.record_decision(placed, user_id, now, runtime.holdouts)
        results.append(WirePlacement(ask.placement, slots, list(map(winners.of, placed.winners))))

    metrics = runtime.metrics
    metrics.decisions.inc()
    if len(rejected) > 1:  # the same totals as one placement's (a Counter cost ~4 µs more)
        totals: dict[RejectionReason, int] = {}
        for counts in rejected:
            for reason, count in counts.items():
                totals[reason] = totals.get(reason, 0) + count
        rejected = [totals]
    for counts in rejected:
        for reason, count in counts.items():
            metrics.rejection(reason.value).inc(count)
    metrics.latency.observe(time.perf_counter() - started)
    return WireDecision(runtime.deps.new_bid_id(), decision.snapshot_version, results)


def _placement_request(network: ServingNetwork, ask: AnyPlacementAsk) -> PlacementRequest:
    placement_id = network.snapshot.placement_ids_by_code.get(ask.placement)
    if placement_id is None:
        raise _PlacementProblem("placement", f"unknown or inactive placement {ask.placement!r}")
    product_ids: tuple[int, ...] | npt.NDArray[np.int64] | None = None
    scores: tuple[float, ...] | None = None
    candidates = ask.candidates
    if candidates is not None:
        if candidates.ids is not None and candidates.skus is not None:
            raise _PlacementProblem("candidates", "give ids or skus, not both")
        if candidates.ids is not None:
            if len(candidates.ids) > MAX_CANDIDATES:
                raise _PlacementProblem("candidates.ids", f"at most {MAX_CANDIDATES} candidates")
            product_ids = tuple(candidates.ids)
        elif candidates.skus is not None:
            if len(candidates.skus) > MAX_CANDIDATES:
                raise _PlacementProblem("candidates.skus", f"at most {MAX_CANDIDATES} candidates")
            product_ids = network.skus.lookup(candidates.skus)
        if candidates.quality_scores is not None:
            scores = tuple(candidates.quality_scores)
            if product_ids is None or len(scores) != len(product_ids):
                raise _PlacementProblem(
                    "candidates.quality_scores", "one quality score per candidate, same order"
                )
            if not all(0 < s <= 1 for s in scores):
                raise _PlacementProblem(
                    "candidates.quality_scores", "quality scores must be in (0, 1]"
                )
    return PlacementRequest(
        placement_id=placement_id,
        slots=ask.slots,
        query=ask.search_query,
        category_id=ask.category_id,
        product_ids=product_ids,
        quality_scores=scores,
    )


class _Winners:
    """Builds one decision's winners: the signed resolved bid id and the tracking links."""

    __slots__ = ("creatives", "expires", "issued", "links", "metrics", "sign", "skus", "user_id")

    def __init__(
        self,
        runtime: DecisionRuntime,
        network: ServingNetwork,
        user_id: str | None,
        now: dt.datetime,
    ) -> None:
        self.sign = runtime.signer.sign_values
        self.metrics = runtime.metrics
        self.creatives = network.creatives
        self.skus = network.sku_by_product
        self.user_id = user_id
        self.issued = int(now.timestamp())
        self.expires = int((now + runtime.token_ttl).timestamp())
        self.links = (f"{runtime.base_url}/t/i/", f"{runtime.base_url}/t/c/")

    def of(self, winner: Winner) -> WireWinner:
        """The response entry of one winning ad (values already checked by the engine)."""
        listing = winner.kind is AdKind.SPONSORED_LISTING
        creative_id = winner.creative_id
        creative = None if creative_id is None else self.creatives.get(creative_id)
        billing = BillingModel.CPC if listing else BillingModel.CPM
        product_id = winner.product_id
        token = self.sign(
            winner.resolved_bid_id,
            winner.campaign_id,
            winner.ad_group_id,
            winner.advertiser_id,
            winner.placement_id,
            product_id,
            creative_id,
            winner.price_tiyn,
            billing,
            None if creative is None else creative.landing_url,
            self.issued,
            self.expires,
            self.user_id,
        )
        self.metrics.winner(winner.kind.value).inc()
        impression, click = self.links
        return WireWinner(
            winner.rank,
            WinnerKind.PRODUCT if listing else WinnerKind.BANNER,
            product_id,
            None if product_id is None else self.skus.get(product_id),
            None
            if creative is None
            else WireCreative(creative.id, creative.asset_url, creative.width, creative.height),
            winner.campaign_id,
            winner.ad_group_id,
            token,
            billing,
            winner.price_tiyn,
            impression + token,
            click + token,
        )


def verify_token(runtime: DecisionRuntime, token: str, now: dt.datetime | None = None) -> BidClaims:
    """The claims of a genuine, unexpired resolved bid id; counts and raises `TokenRejected`."""
    try:
        return runtime.signer.verify(token, now or utcnow())
    except TokenError as exc:
        runtime.metrics.rejected_tokens.labels(exc.reason).inc()
        raise TokenRejected(f"resolved bid id refused: {exc.reason}") from None


def charge_event(
    runtime: DecisionRuntime,
    session: Session,
    token: str,
    kind: EventKind,
    now: dt.datetime | None = None,
) -> EventOutcome:
    """Verify a resolved bid id and record its event: charge the billable one once, count
    frequency on impressions. Raises `TokenRejected` (counted, never billed) for a bad token.
    """
    now = now or utcnow()
    claims = verify_token(runtime, token, now)
    outcome = _record(runtime, session, claims, kind, now)
    runtime.metrics.events.labels(kind.value, outcome.status.value).inc()
    return outcome


def _record(
    runtime: DecisionRuntime,
    session: Session,
    claims: BidClaims,
    kind: EventKind,
    now: dt.datetime,
) -> EventOutcome:
    network = runtime.network
    if kind is EventKind.IMPRESSION and runtime.first_impression(claims.bid_id):
        # The local check spares a round trip for a reloaded pixel; the store counts each
        # bid's impression once over every process (Redis), so caps are never counted twice.
        first = True
        if claims.user_id:
            first = runtime.state.record_impression(
                claims.user_id, claims.campaign_id, now, bid_id=claims.bid_id
            )
        if first:
            runtime.record_engagement(_engagement(network, claims, impressions=1))
    elif kind is EventKind.CLICK:
        runtime.record_engagement(_engagement(network, claims, clicks=1))

    def outcome(status: EventStatus, amount: int = 0) -> EventOutcome:
        return EventOutcome(status, claims.bid_id, claims.campaign_id, amount, claims.landing_url)

    billable = EventKind.CLICK if claims.billing is BillingModel.CPC else EventKind.IMPRESSION
    if kind is not billable:
        return outcome(EventStatus.NOT_BILLABLE)
    if repository.ledger_has(session, claims.bid_id):
        return outcome(EventStatus.DUPLICATE)
    campaign: Budgeted | None = network.snapshot.campaigns.get(claims.campaign_id)
    if campaign is None:
        # Paused or ended since the decision: the ad was shown, so the event is still billed
        # against the campaign's budgets as stored.
        budgets = repository.campaign_budgets(session, claims.campaign_id)
        if budgets is None:
            return outcome(EventStatus.NOT_BILLABLE)
        campaign = BudgetLimits(claims.campaign_id, *budgets)
    amount = claims.charge_mtiyn
    result = runtime.state.charge(claims.bid_id, campaign, amount, now)
    if result.status is ChargeStatus.DUPLICATE:
        return outcome(EventStatus.DUPLICATE)
    if result.status in (
        ChargeStatus.DAILY_BUDGET_EXHAUSTED,
        ChargeStatus.TOTAL_BUDGET_EXHAUSTED,
    ):
        return outcome(EventStatus.BUDGET_EXHAUSTED)
    if not result.charged and result.status is not ChargeStatus.UNAVAILABLE:
        return outcome(EventStatus.UNAVAILABLE)
    entry = SpendEntry(
        bid_id=claims.bid_id,
        campaign_id=claims.campaign_id,
        ad_group_id=claims.ad_group_id,
        account_id=claims.account_id,
        placement_id=claims.placement_id,
        product_id=claims.product_id,
        creative_id=claims.creative_id,
        event=BilledEvent(kind.value),
        price_tiyn=claims.price_tiyn,
        amount_mtiyn=amount,
        business_day=business_day(now),
        event_at=now,
    )
    try:
        with session.begin_nested():
            if result.status is ChargeStatus.UNAVAILABLE:
                # The state store is down: the charge is not lost. The ledger row is written
                # (budget checked on the ledger's sums) and marked pending; the runtime's
                # background tick adds it to the shared spend once Redis answers again.
                held = ledger.record_without_state(session, entry, campaign)
                if held is not ChargeStatus.CHARGED:
                    return outcome(EventStatus.BUDGET_EXHAUSTED)
            else:
                repository.add_spend(session, entry)
    except IntegrityError:
        # Another process wrote this bid first (the in-process store does not share ids).
        return outcome(EventStatus.DUPLICATE)
    return outcome(EventStatus.CHARGED, amount)


def _engagement(
    network: ServingNetwork, claims: BidClaims, *, impressions: int = 0, clicks: int = 0
) -> EngagementCount:
    category = None
    if claims.product_id is not None:
        product = network.snapshot.products.get(claims.product_id)
        category = None if product is None else product.category_id
    return EngagementCount(
        placement_id=claims.placement_id,
        impressions=impressions,
        clicks=clicks,
        product_id=claims.product_id,
        creative_id=claims.creative_id,
        category_id=category,
    )
