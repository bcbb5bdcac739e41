"""The online decision runtime of one server process, held in `app.state.decision_runtime`.

It owns the current `ServingNetwork` (snapshot + look-ups; replaced whole by one attribute
assignment, so a decision reads one consistent version without a lock), the state store
(Redis when `JARNAMA_REDIS_URL` is set, in-process otherwise), the ranker, the pacing
controller, the bid signer and the Prometheus series. A background task polls the serving
fingerprint every `decisioning.poll_seconds` (1 s) and recompiles on change, so a campaign
change is live within 5 s; tests call `refresh()` instead. Pacing rates are updated each
`decisioning.pacing_seconds` (60 s), and the ranker learns the buffered event counts then.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from typing import Any

import redis
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.orm import Session, sessionmaker

from jarnama.config import Settings
from jarnama.core.time import business_day, utcnow
from jarnama.decisioning import ledger, repository
from jarnama.decisioning.compiler import ServingNetwork, compile_network, empty_network, fingerprint
from jarnama.decisioning.eligibility import warm
from jarnama.decisioning.kernels import warm_kernels
from jarnama.decisioning.listing import listing_arrays
from jarnama.decisioning.messages import AuctionDeps
from jarnama.decisioning.pacing import PacingController
from jarnama.decisioning.ranking import EngagementCount, SmoothedCtrRanker
from jarnama.decisioning.redis_state import RedisStateStore
from jarnama.decisioning.snapshot import AuctionRules, PricingRule
from jarnama.decisioning.state import BudgetLimits, InProcessStateStore, StateStore
from jarnama.decisioning.tokens import BidSigner, new_bid_id
from jarnama.measurement.ghosts import GhostLog, HoldoutPolicy

log = logging.getLogger(__name__)

# Impression bid ids remembered per process so a reloaded pixel counts frequency once.
SEEN_IMPRESSIONS = 200_000


class DecisionMetrics:
    """Prometheus series of the decision service (registered in the app's registry)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        """Create the series in `registry` (a private one when None)."""
        registry = registry or CollectorRegistry()
        self.decisions = Counter(
            "jarnama_decisions_total", "Decisions answered.", registry=registry
        )
        self.latency = Histogram(
            "jarnama_decision_seconds",
            "In-process time of one decision (auction and response), without HTTP.",
            buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05),
            registry=registry,
        )
        self.winners = Counter(
            "jarnama_decision_winners_total", "Slots filled.", ["kind"], registry=registry
        )
        self.rejections = Counter(
            "jarnama_auction_rejections_total",
            "Ads left out of auctions, by reason.",
            ["reason"],
            registry=registry,
        )
        self.events = Counter(
            "jarnama_tracking_events_total",
            "Tracked events by kind and outcome.",
            ["kind", "status"],
            registry=registry,
        )
        self.rejected_tokens = Counter(
            "jarnama_tracking_rejected_tokens_total",
            "Resolved bid ids refused (never billed), by reason.",
            ["reason"],
            registry=registry,
        )
        self.snapshot_version = Gauge(
            "jarnama_snapshot_version", "Version of the serving snapshot.", registry=registry
        )
        self.compile_seconds = Histogram(
            "jarnama_snapshot_compile_seconds",
            "Time to compile the serving snapshot from the database.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
            registry=registry,
        )
        # Labelled children looked up once: `labels()` takes a lock and builds a key (~3 µs),
        # and a decision touches a dozen of them.
        self._winner_series: dict[str, Counter] = {}
        self._rejection_series: dict[str, Counter] = {}

    def winner(self, kind: str) -> Counter:
        """The winners counter of one ad kind."""
        series = self._winner_series.get(kind)
        if series is None:
            series = self._winner_series[kind] = self.winners.labels(kind)
        return series

    def rejection(self, reason: str) -> Counter:
        """The rejections counter of one reason."""
        series = self._rejection_series.get(reason)
        if series is None:
            series = self._rejection_series[reason] = self.rejections.labels(reason)
        return series


class DecisionRuntime:
    """Current snapshot, state store, ranker, pricing and pacing of one server process."""

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        *,
        state: StateStore,
        registry: CollectorRegistry | None = None,
    ) -> None:
        """A runtime with nothing compiled yet (call `refresh()`)."""
        self.settings = settings
        self.session_factory = session_factory
        self.state = state
        self.ranker = SmoothedCtrRanker()
        self.rules = AuctionRules(pricing=PricingRule(settings.decisioning.pricing))
        self.pacing = PacingController(state)
        self.signer = BidSigner.from_settings(settings)
        self.metrics = DecisionMetrics(registry)
        # Ghost ads: campaigns' holdout shares (reloaded with each refresh) and their log.
        self.holdouts = HoldoutPolicy(settings.measurement.holdout_share)
        self.ghosts = GhostLog()
        self.deps = AuctionDeps(
            state=state,
            ranker=self.ranker,
            new_bid_id=new_bid_id,
            holds_out=self.holdouts.holds_out,
        )
        self.base_url = settings.base_url
        self.token_ttl = dt.timedelta(hours=settings.tracking.token_ttl_hours)
        self.network: ServingNetwork = empty_network(self.rules)
        self._version = 0
        self._compile_lock = threading.Lock()
        self._engagement: list[EngagementCount] = []
        self._engagement_lock = threading.Lock()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._last_rebuild = float("-inf")
        self._last_pacing = float("-inf")
        self._seeded = False

    @classmethod
    def create(
        cls,
        settings: Settings,
        session_factory: sessionmaker[Session],
        registry: CollectorRegistry | None = None,
    ) -> DecisionRuntime:
        """A runtime whose state store is Redis when `redis_url` is set, in-process otherwise."""
        state: StateStore
        if settings.redis_url:
            state = RedisStateStore.from_url(
                settings.redis_url,
                prefix=settings.decisioning.redis_prefix,
                spend_loader=ledger.spend_loader(session_factory),
            )
        else:
            state = InProcessStateStore()
        return cls(settings, session_factory, state=state, registry=registry)

    def refresh(self, *, force: bool = False, now: dt.datetime | None = None) -> bool:
        """Recompile if the serving fingerprint changed (or `force`); True if a new one is live."""
        with self._compile_lock, self.session_factory() as session:
            self.holdouts.reload(session)
            if not force and fingerprint(session) == self.network.fingerprint:
                return False
            self._version += 1
            with _collector_paused():
                network = compile_network(
                    session, rules=self.rules, version=self._version, now=now or utcnow()
                )
                if not self._seeded:
                    self._seed_spend(session, network, now or utcnow())
                warm(network.snapshot)  # so the first decisions on it pay no memo building
                listing_arrays(network.snapshot)
        warm_kernels()  # compiled (or loaded from the disk cache) once per process
        self.network = network  # the atomic swap: one reference assignment
        self._last_rebuild = time.monotonic()
        self.metrics.snapshot_version.set(network.version)
        self.metrics.compile_seconds.observe(network.compile_seconds)
        for issue in network.snapshot.issues[:20]:
            log.info("snapshot left out %s %s: %s", issue.entity, issue.entity_id, issue.reason)
        return True

    def pace(self, now: dt.datetime | None = None) -> None:
        """Update every served campaign's pacing rate and teach the ranker the new counts.

        With Redis one process per interval steps the rates (a shared lease), from the shared
        spend and the rates the previous step stored; the others read the rates it wrote.
        """
        lease = self.settings.decisioning.pacing_seconds * 0.9
        if self.state.lead_pacing(lease):
            self.pacing.step(now or utcnow(), self.network.snapshot.campaigns.values())
        self._last_pacing = time.monotonic()
        self.flush_engagement()

    def keep_ledger_and_state_together(self, now: dt.datetime | None = None) -> int:
        """Reload spend into a state store that lost it, then add pending ledger rows to it;
        the number of rows reconciled (the background tick calls this each poll)."""
        try:
            self.state.ensure_loaded(business_day(now or utcnow()))
        except redis.RedisError as exc:
            log.warning("shared state unavailable, reconciliation waits: %s", exc)
            return 0
        with self.session_factory() as session:
            done = ledger.reconcile(self.state, session)
            session.commit()
        return done

    def record_engagement(self, count: EngagementCount) -> None:
        """Buffer an impression or click count for the ranker (learned at the next `pace`)."""
        with self._engagement_lock:
            self._engagement.append(count)

    def flush_engagement(self) -> None:
        """Hand the buffered counts to the ranker."""
        with self._engagement_lock:
            counts, self._engagement = self._engagement, []
        if counts:
            self.ranker.record(counts)

    def first_impression(self, bid_id: str) -> bool:
        """Whether this process sees this bid's impression for the first time."""
        with self._engagement_lock:
            if bid_id in self._seen:
                return False
            self._seen[bid_id] = None
            if len(self._seen) > SEEN_IMPRESSIONS:
                self._seen.popitem(last=False)
            return True

    def tick(self) -> None:
        """One background step: rebuild on change (or when due), pace when due."""
        decisioning = self.settings.decisioning
        try:
            due = time.monotonic() - self._last_rebuild >= decisioning.rebuild_seconds
            self.refresh(force=due)
        except Exception:
            log.exception("snapshot refresh failed; serving the previous one")
        self.ghosts.flush()  # those no decision route flushed (e.g. Topsort's)
        try:
            self.keep_ledger_and_state_together()
        except Exception:
            log.exception("spend reload or reconciliation failed; retrying at the next tick")
        if time.monotonic() - self._last_pacing >= decisioning.pacing_seconds:
            try:
                self.pace()
            except Exception:
                log.exception("pacing update failed; keeping the previous rates")

    async def run(self, stop: asyncio.Event) -> None:
        """Call `tick` every `poll_seconds` in a worker thread until `stop` is set."""
        interval = self.settings.decisioning.poll_seconds
        while not stop.is_set():
            await asyncio.to_thread(self.tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    def _seed_spend(self, session: Session, network: ServingNetwork, now: dt.datetime) -> None:
        """Load the ledger's spend into a fresh in-process store (Redis keeps its own)."""
        self._seeded = True
        if not isinstance(self.state, InProcessStateStore):
            return
        today = business_day(now)
        yesterday = now - dt.timedelta(days=1)
        for campaign_id, daily, total in repository.spend_totals(session, today):
            campaign: Any = network.snapshot.campaigns.get(campaign_id) or BudgetLimits(campaign_id)
            if total > daily:
                self.state.charge(f"seed:{campaign_id}:before", campaign, total - daily, yesterday)
            if daily:
                self.state.charge(f"seed:{campaign_id}:{today}", campaign, daily, now)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector off while a snapshot is built (on again after, even on error).

    A build allocates a few million long-lived objects, and each full collection it triggers
    rescans all of them with every thread stopped: about ten full collections of 10-200 ms
    (~1 s of pauses) per build of the benchmark network, seen with a `gc.callbacks` probe.
    A build runs beside live decisions after every campaign change, so those pauses would be
    their latency. Reference counting still frees everything acyclic meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.asynccontextmanager
async def serving_runtime(
    state: Any,
    settings: Settings,
    session_factory: sessionmaker[Session],
    registry: CollectorRegistry | None,
    *,
    background: bool,
) -> AsyncIterator[DecisionRuntime]:
    """Create the runtime on `state` (app.state), compile once, and poll in the background.

    The first compile failing (database down) is logged: the runtime serves nothing until the
    background poll succeeds. Without `background` (tests sharing one connection) nothing runs
    concurrently; call `refresh()` and `pace()` by hand.
    """
    runtime = DecisionRuntime.create(settings, session_factory, registry)
    state.decision_runtime = runtime
    try:
        await asyncio.to_thread(runtime.refresh, force=True)
    except Exception:
        log.exception("first snapshot compile failed; retrying in the background")
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.run(stop)) if background else None
    try:
        yield runtime
    finally:
        stop.set()
        if task is not None:
            await task
