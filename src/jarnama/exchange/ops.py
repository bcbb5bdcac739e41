"""The exchange operations of one server process: approval gate, context signals, DCO book.

`ExchangeOps` is built next to the exchange runtime and plugs into it: its approval policy
decides which creatives may win, its signal hub gives every outbound request weather and
traffic, and `refresh(session)` (run with the runtime's own refresh, before each auction)
reloads what changed: at most every `reload_seconds` (one fingerprint query per book), and at
once after a change made through this process (`changes.note_change`), so the auction path does
no SQL of its own most of the time. `record(screen, auction)` hands a finished auction to the
background recorder (reports, approval queue): no SQL on the response path either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jarnama.exchange import changes
from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.approvals import ApprovalRegistry
from jarnama.exchange.auction import Approval
from jarnama.exchange.core import ExchangeAuction
from jarnama.exchange.dco import DcoBook, compile_book
from jarnama.exchange.ops_models import DcoCampaign, DcoVariant
from jarnama.exchange.ops_settings import OpsSettings
from jarnama.exchange.recorder import AuctionRecorder
from jarnama.exchange.signals import OpenMeteoProvider, SignalHub
from jarnama.exchange.snapshot import ScreenSnapshot

log = logging.getLogger(__name__)
# How often the background task looks for places whose weather is missing or stale.
WEATHER_POLL_SECONDS = 30.0


def _dco_fingerprint(session: Session) -> tuple[Any, ...]:
    campaigns = session.execute(select(func.count(DcoCampaign.id), func.max(DcoCampaign.id))).one()
    variants = session.execute(select(func.count(DcoVariant.id), func.max(DcoVariant.id))).one()
    return (*campaigns, *variants)


class ExchangeOps:
    """Approval registry, signal hub and DCO book of one process."""

    def __init__(
        self,
        settings: OpsSettings,
        client: httpx.AsyncClient | None = None,
        *,
        sessions: sessionmaker[Session] | None = None,
        background: bool = False,
        on_drop: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.approvals = ApprovalRegistry()
        signal_settings = settings.signals
        weather = (
            OpenMeteoProvider(client, signal_settings)
            if client is not None and signal_settings.open_meteo_url
            else None
        )
        self.signals = SignalHub(weather, signal_settings, clock)
        self.dco = DcoBook()
        # Background writes need a session factory of their own (not a test's one connection).
        self.recorder = AuctionRecorder(
            sessions if background else None,
            capacity=settings.record_queue,
            batch=settings.record_batch,
            interval=settings.record_interval_seconds,
            on_drop=on_drop,
        )
        self._clock = clock
        self._checked_at = -float("inf")
        self._change: int | None = None
        self._dco_fingerprint: tuple[Any, ...] | None = None
        self._traffic_at = -float("inf")
        self._task: asyncio.Task[None] | None = None

    def policy(self, screen: ScreenSnapshot) -> Callable[[TypedBid], Approval]:
        """The approval check of a screen's owner (every creative may win when not required)."""
        if not self.settings.require_creative_approval:
            return _approve_all
        return self.approvals.policy(screen)

    def refresh_due(self) -> bool:
        """Whether `refresh` would look at the database now."""
        now = self._clock()
        return (
            changes.current() != self._change
            or now - self._checked_at >= self.settings.reload_seconds
            or now - self._traffic_at >= self.settings.signals.traffic_reload_seconds
        )

    def refresh(self, session: Session) -> None:
        """Reload the approval and DCO books if they changed; re-read traffic now and then.

        Changes made through this process reload both books at once; others are looked for
        (one fingerprint query per book) at most every `reload_seconds`.
        """
        now = self._clock()
        change = changes.current()
        if change != self._change:
            self._load_books(session, force=True)
            self._change, self._checked_at = change, now
        elif now - self._checked_at >= self.settings.reload_seconds:
            self._load_books(session, force=False)
            self._checked_at = now
        if now - self._traffic_at >= self.settings.signals.traffic_reload_seconds:
            self.signals.load_traffic(session)
            self._traffic_at = now

    def _load_books(self, session: Session, *, force: bool) -> None:
        if self.settings.require_creative_approval:
            self.approvals.refresh(session, force=force)
        found = _dco_fingerprint(session)
        if force or found != self._dco_fingerprint:
            self.dco = compile_book(session)
            self._dco_fingerprint = found

    def record(self, screen: ScreenSnapshot, auction: ExchangeAuction) -> bool:
        """Queue a finished auction for the reports and the approval queue (no I/O here)."""
        return self.recorder.submit(screen, auction)

    def start(self) -> None:
        """Start the background weather refresher (inside the running loop) if weather is on."""
        self.recorder.start()
        if self.signals.weather is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._weather_loop())

    async def close(self) -> None:
        """Stop the background tasks; write the auction records still queued."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.recorder.close()

    async def _weather_loop(self) -> None:
        while True:
            try:
                await self.signals.refresh_weather()
            except Exception:  # a provider bug must not end the loop
                log.exception("weather refresh failed")
            await asyncio.sleep(WEATHER_POLL_SECONDS)


def _approve_all(bid: TypedBid) -> Approval:
    return Approval.APPROVED
