"""Auction records written off the response path: a bounded queue, batch inserts, counted drops.

An auction's record (its bidder answers, its bids with their outcome or loss reason, and the
creatives it queued for review) feeds the reports and the approval queue, not the answer. The
entry points hand each finished auction to `AuctionRecorder.submit`, which only appends to a
queue; a background task writes what gathered every `interval` seconds (or as soon as a batch
is full) in one unit of work of its own (`reports.record_auctions`: a few bulk statements per
batch instead of ~3 per auction). A full queue drops the newest record and counts it, so a slow
database costs report rows, never answers. `close()` writes what is left (shutdown).

Without a background task (an app on a test's single connection), records wait until a
reader of this process asks for them (`write_pending(session)`: the reports and the approval
queue routes do) or until shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from jarnama.core.db import transaction
from jarnama.core.time import utcnow
from jarnama.exchange.core import ExchangeAuction
from jarnama.exchange.reports import record_auctions
from jarnama.exchange.snapshot import ScreenSnapshot

log = logging.getLogger(__name__)

Finished = tuple[ScreenSnapshot, ExchangeAuction, dt.datetime]


@dataclass
class RecorderStats:
    """What the recorder did since start: queued, written, dropped (queue full), failed."""

    queued: int = 0
    written: int = 0
    dropped: int = 0
    failed: int = 0
    batches: int = 0


class AuctionRecorder:
    """A bounded queue of finished auctions and the background writer that drains it."""

    def __init__(
        self,
        sessions: sessionmaker[Session] | None,
        *,
        capacity: int = 20_000,
        batch: int = 500,
        interval: float = 0.25,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.capacity = capacity
        self.batch = batch
        self.interval = interval
        self.stats = RecorderStats()
        self._queue: deque[Finished] = deque()
        # One writer at a time: the background task, a route's `write_pending`, or `close`.
        self._writing = threading.Lock()
        self._on_drop = on_drop
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def pending(self) -> int:
        """Records queued and not written yet."""
        return len(self._queue)

    def submit(
        self, screen: ScreenSnapshot, auction: ExchangeAuction, now: dt.datetime | None = None
    ) -> bool:
        """Queue one finished auction (never blocks); False when the queue was full (dropped)."""
        if len(self._queue) >= self.capacity:
            self.stats.dropped += 1
            if self._on_drop is not None:
                self._on_drop()
            return False
        self._queue.append((screen, auction, now or utcnow()))
        self.stats.queued += 1
        if self._wake is not None and len(self._queue) >= self.batch:
            self._wake.set()
        return True

    def write_pending(self, session: Session) -> int:
        """Write every queued record in `session` (the caller's unit of work); how many."""
        with self._writing:
            taken = self._take(len(self._queue))
            if taken:
                record_auctions(session, taken)
                self.stats.written += len(taken)
                self.stats.batches += 1
            return len(taken)

    def start(self) -> None:
        """Start the background writer (inside the running loop; needs a session factory)."""
        if self.sessions is not None and self._task is None:
            self._wake = asyncio.Event()
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        """Stop the writer and write what is left (bounded by the queue's capacity)."""
        if self._task is not None and self._wake is not None:
            # A flag, not task.cancel(): Python 3.11's wait_for can swallow a cancellation that
            # races its timeout, and the writer would then never end.
            self._stopping = True
            self._wake.set()
            await self._task
            self._task = None
        if self.sessions is not None:
            while self._queue:
                if not await asyncio.to_thread(self._write_batch):
                    break

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            while self._queue and not self._stopping:
                await asyncio.to_thread(self._write_batch)

    def _take(self, count: int) -> list[Finished]:
        taken = []
        for _ in range(min(count, len(self._queue))):
            taken.append(self._queue.popleft())
        return taken

    def _write_batch(self) -> bool:
        """Write up to one batch in a unit of work of its own; False if it failed (dropped)."""
        assert self.sessions is not None
        with self._writing:
            taken = self._take(self.batch)
            if not taken:
                return True
            try:
                with transaction(self.sessions) as session:
                    record_auctions(session, taken)
            except Exception:  # a database outage costs report rows, never the writer
                log.exception("writing %d auction records failed", len(taken))
                self.stats.failed += len(taken)
                return False
            self.stats.written += len(taken)
            self.stats.batches += 1
            return True
