"""The exchange runtime of one server process, held in `app.state.exchange_runtime`.

It owns the pooled keep-alive `httpx.AsyncClient` every bidder call and notice goes through,
the bidders loaded from the YAML folder in settings (`exchange.bidders_dir`), the background
notice sender, the serving snapshot of the screens and the rate book. The app lifespan starts
it and closes it (the client and the notice workers).

The snapshot is checked against a cheap fingerprint of the inventory tables (counts and the
latest change) at most every `exchange.ops.reload_seconds` (1 s), and before the next auction
after a screen, group or deal changed through this process (`changes.note_change`): a screen
edited a moment ago sells with its new floor, and an auction between checks runs no SQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Histogram
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.time import business_day, utcnow
from jarnama.exchange import changes
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.auction import Approval
from jarnama.exchange.bidders import BidderSpec, load_bidders, packaged_bidders_dir
from jarnama.exchange.core import Exchange, ExchangeAuction, make_client
from jarnama.exchange.models import Deal, Screen, ScreenGroupMember
from jarnama.exchange.notices import NoticeSender
from jarnama.exchange.ops import ExchangeOps
from jarnama.exchange.snapshot import InventorySnapshot, ScreenSnapshot, compile_inventory
from jarnama.money.rates import RateBook
from jarnama.money.service import rate_book

log = logging.getLogger(__name__)

# Rates change once a day (NBK) or by an import; re-read them at most this often.
RATES_SECONDS = 60.0
# Decides whether a DSP creative may win on a screen (the owner's approval queue plugs in here).
ApprovalPolicy = Callable[[ScreenSnapshot], Callable[[TypedBid], Approval]]


class ExchangeMetrics:
    """Prometheus series of the exchange (registered in the app's registry)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        """Create the series in `registry` (a private one when None)."""
        registry = registry or CollectorRegistry()
        self.auctions = Counter(
            "jarnama_exchange_auctions_total",
            "DOOH auctions run, by entry point and outcome.",
            ["source", "outcome"],
            registry=registry,
        )
        self.seconds = Histogram(
            "jarnama_exchange_auction_seconds",
            "Wall time of one exchange auction, bidder calls included.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0),
            registry=registry,
        )
        self.bidders = Counter(
            "jarnama_exchange_bidder_responses_total",
            "Bidder answers by bidder and status (bids, no_bid, timeout, error, ...).",
            ["bidder", "status"],
            registry=registry,
        )
        self.rejections = Counter(
            "jarnama_exchange_bid_rejections_total",
            "Bids refused by the auction, by OpenRTB loss reason code.",
            ["bidder", "loss"],
            registry=registry,
        )
        self.notices = Counter(
            "jarnama_exchange_notices_total",
            "Win, billing and loss notices by kind and outcome (delivered, failed, dropped).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.records_dropped = Counter(
            "jarnama_exchange_records_dropped_total",
            "Auction records dropped because the background recorder's queue was full.",
            registry=registry,
        )
        self.plays = Counter(
            "jarnama_exchange_plays_total",
            "Leases ended by outcome (billed, unbilled, released).",
            ["outcome"],
            registry=registry,
        )

    def observe(self, source: str, auction: ExchangeAuction) -> None:
        """Count one finished auction."""
        outcome = "filled" if auction.result.win is not None else "unfilled"
        self.auctions.labels(source, outcome).inc()
        self.seconds.observe(auction.elapsed_ms / 1000)
        for answer in auction.outcomes:
            self.bidders.labels(answer.bidder, answer.status).inc()
        for rejection in auction.result.rejections:
            self.rejections.labels(rejection.bid.bidder, str(int(rejection.loss))).inc()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What changes when a screen, deal or group membership changes."""

    screens: tuple[Any, ...]
    deals: tuple[Any, ...]
    members: tuple[Any, ...]


def inventory_fingerprint(session: Session) -> Fingerprint:
    """Counts and latest change of the inventory tables (three index-only aggregates)."""
    screens = session.execute(select(func.count(Screen.id), func.max(Screen.updated_at))).one()
    deals = session.execute(
        select(func.count(Deal.id), func.max(Deal.id), func.sum(case((Deal.active, 1), else_=0)))
    ).one()
    members = session.execute(select(func.count(), func.sum(ScreenGroupMember.screen_id))).one()
    return Fingerprint(tuple(screens), tuple(deals), tuple(members))


def load_configured_bidders(settings: Settings) -> Mapping[str, BidderSpec]:
    """The bidders of `exchange.bidders_dir` (unset: the packaged, disabled examples)."""
    folder = settings.exchange.bidders_dir
    return load_bidders(Path(folder) if folder else packaged_bidders_dir())


class ExchangeRuntime:
    """Client, bidders, notices, inventory snapshot and rates of one server process."""

    def __init__(
        self,
        settings: Settings,
        bidders: Mapping[str, BidderSpec],
        *,
        registry: CollectorRegistry | None = None,
        client: httpx.AsyncClient | None = None,
        sessions: sessionmaker[Session] | None = None,
        background: bool = False,
    ) -> None:
        self.settings = settings
        self.client = client or make_client(settings.exchange, bidders.values())
        self.metrics = ExchangeMetrics(registry)
        ex = settings.exchange
        # Notices have a pool of their own: ~5 a auction would otherwise queue in the bidders'
        # pool and make every bid request scan more connections (httpcore checks each).
        self.notice_client = make_client(settings.exchange)
        self.notices = NoticeSender(
            self.notice_client,
            attempts=ex.notice_attempts,
            backoff_ms=ex.notice_backoff_ms,
            timeout_ms=ex.notice_timeout_ms,
            workers=ex.notice_workers,
            on_result=lambda kind, outcome: self.metrics.notices.labels(kind, outcome).inc(),
        )
        self.exchange = Exchange(bidders, ex, self.client, self.notices)
        # Approval gate, weather/traffic signals and the DCO book (exchange/ops.py).
        self.ops = ExchangeOps(
            ex.ops,
            self.client,
            sessions=sessions,
            background=background,
            on_drop=self.metrics.records_dropped.inc,
        )
        self.exchange.signals = self.ops.signals
        self.inventory = InventorySnapshot()
        self.by_code: dict[str, tuple[ScreenSnapshot, ...]] = {}
        self.rates = RateBook.of([])
        # Set by the creative approval queue; None: every creative may win.
        self.approval_policy: ApprovalPolicy | None = self.ops.policy
        self._fingerprint: Fingerprint | None = None
        self._rates_at = -RATES_SECONDS
        self._rates_day: dt.date | None = None
        self._checked_at = -float("inf")
        self._change: int | None = None

    def start(self) -> None:
        """Start the notice workers (inside the running event loop)."""
        self.notices.start()
        self.ops.start()

    async def close(self) -> None:
        """Stop the notice workers and close the pooled client."""
        await self.notices.close()
        await self.ops.close()
        await self.notice_client.aclose()
        await self.client.aclose()

    def refresh_due(self) -> bool:
        """Whether the next auction must look at the database first (a check or reload is due)."""
        now = time.monotonic()
        return (
            changes.current() != self._change
            or now - self._checked_at >= self.settings.exchange.ops.reload_seconds
            or now - self._rates_at > RATES_SECONDS
            or self.ops.refresh_due()
        )

    def refresh(self, session: Session, *, force: bool = False, recheck: bool = False) -> None:
        """Recompile the screen snapshot if the inventory changed, and re-read stale rates.

        `recheck`: look at the inventory fingerprint now even between checks (a screen the
        snapshot does not know may have been created by another process a moment ago).
        """
        now = time.monotonic()
        change = changes.current()
        due = now - self._checked_at >= self.settings.exchange.ops.reload_seconds
        if force or due or recheck or change != self._change:
            self._check_inventory(session, force=force or change != self._change)
            self._change, self._checked_at = change, now
        now, day = time.monotonic(), business_day(utcnow())
        if force or now - self._rates_at > RATES_SECONDS or day != self._rates_day:
            self.rates = rate_book(session, self.settings)
            self._rates_at, self._rates_day = now, day
        self.ops.refresh(session)

    def _check_inventory(self, session: Session, *, force: bool) -> None:
        found = inventory_fingerprint(session)
        if force or found != self._fingerprint:
            self.inventory = compile_inventory(session)
            by_code: dict[str, list[ScreenSnapshot]] = {}
            for screen in self.inventory.screens.values():
                by_code.setdefault(screen.code, []).append(screen)
            self.by_code = {code: tuple(group) for code, group in by_code.items()}
            self._fingerprint = found

    def approval_for(self, screen: ScreenSnapshot) -> Callable[[TypedBid], Approval] | None:
        """The approval check of one screen's owner (None: every creative may win)."""
        return None if self.approval_policy is None else self.approval_policy(screen)


@asynccontextmanager
async def exchange_runtime(
    state: Any,
    settings: Settings,
    registry: CollectorRegistry | None,
    *,
    background: bool = False,
) -> AsyncIterator[ExchangeRuntime]:
    """Create the runtime on `state` (app.state), start its background work, close it after.

    `background`: the app owns its engine, so auction records are written by a background task
    through `state.sessionmaker` (a test's app shares one connection: records wait for a reader).
    """
    runtime = ExchangeRuntime(
        settings,
        load_configured_bidders(settings),
        registry=registry,
        sessions=getattr(state, "sessionmaker", None),
        background=background,
    )
    state.exchange_runtime = runtime
    runtime.start()
    try:
        yield runtime
    finally:
        await runtime.close()
