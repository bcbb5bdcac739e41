"""The exchange operations of one server process: approval gate, context signals, DCO book.

`ExchangeOps` is built next to the exchange runtime and plugs into it: its approval policy
decides which creatives may win, its signal hub gives every outbound request weather and
traffic, and `refresh(session)` (run with the runtime's own refresh, before each auction)
reloads what changed. `record(session, screen, auction)` persists a finished auction for the
reports and queues its unreviewed creatives; entry points call it in their unit of work.
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
from sqlalchemy.orm import Session

from jarnama.exchange.adapters import TypedBid
from jarnama.exchange.approvals import ApprovalRegistry
from jarnama.exchange.auction import Approval
from jarnama.exchange.core import ExchangeAuction
from jarnama.exchange.dco import DcoBook, compile_book
from jarnama.exchange.ops_models import AuctionRecord, DcoCampaign, DcoVariant
from jarnama.exchange.ops_settings import OpsSettings
from jarnama.exchange.reports import record_auction
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
        self._clock = clock
        self._dco_fingerprint: tuple[Any, ...] | None = None
        self._traffic_at = -float("inf")
        self._task: asyncio.Task[None] | None = None

    def policy(self, screen: ScreenSnapshot) -> Callable[[TypedBid], Approval]:
        """The approval check of a screen's owner (every creative may win when not required)."""
        if not self.settings.require_creative_approval:
            return _approve_all
        return self.approvals.policy(screen)

    def refresh(self, session: Session) -> None:
        """Reload the approval book and DCO book if they changed; re-read traffic now and then."""
        if self.settings.require_creative_approval:
            self.approvals.refresh(session)
        found = _dco_fingerprint(session)
        if found != self._dco_fingerprint:
            self.dco = compile_book(session)
            self._dco_fingerprint = found
        now = self._clock()
        if now - self._traffic_at >= self.settings.signals.traffic_reload_seconds:
            self.signals.load_traffic(session)
            self._traffic_at = now

    def record(
        self, session: Session, screen: ScreenSnapshot, auction: ExchangeAuction
    ) -> AuctionRecord:
        """Persist a finished auction for the reports and queue its unreviewed creatives."""
        return record_auction(session, screen, auction)

    def start(self) -> None:
        """Start the background weather refresher (inside the running loop) if weather is on."""
        if self.signals.weather is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._weather_loop())

    async def close(self) -> None:
        """Stop the background task."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _weather_loop(self) -> None:
        while True:
            try:
                await self.signals.refresh_weather()
            except Exception:  # a provider bug must not end the loop
                log.exception("weather refresh failed")
            await asyncio.sleep(WEATHER_POLL_SECONDS)


def _approve_all(bid: TypedBid) -> Approval:
    return Approval.APPROVED
