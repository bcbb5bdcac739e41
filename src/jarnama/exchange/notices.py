"""Win, loss and billing notices, sent in the background with retries.

`send` only queues the URL: the auction's answer never waits for a DSP's notice endpoint.
A worker task calls each URL with GET, retrying network errors and 5xx answers with
exponential backoff; 2xx-4xx answers are final (a 4xx will not get better by retrying).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from jarnama.exchange import transport

log = logging.getLogger(__name__)


@dataclass
class NoticeStats:
    """Counters of the notice worker (exported as metrics)."""

    queued: int = 0
    delivered: int = 0
    failed: int = 0
    retried: int = 0
    dropped: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class NoticeSender:
    """A bounded queue of notice URLs and the workers that deliver them."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        attempts: int = 3,
        backoff_ms: int = 200,
        timeout_ms: int = 2_000,
        workers: int = 4,
        max_queue: int = 100_000,
        on_result: Callable[[str, str], None] | None = None,
    ) -> None:
        self.client = client
        self.attempts = attempts
        self.backoff = backoff_ms / 1000
        self.timeout = timeout_ms / 1000
        self.stats = NoticeStats()
        self._queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue(max_queue)
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []
        # Called with (kind, outcome) per notice: "delivered", "failed" or "dropped" (metrics).
        self._on_result = on_result or (lambda kind, outcome: None)

    def start(self) -> None:
        """Start the worker tasks (inside a running event loop)."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    def send(self, url: str, *, kind: str, bidder: str) -> None:
        """Queue one notice; never blocks (a full queue drops it and counts the drop)."""
        try:
            self._queue.put_nowait((url, kind, bidder))
        except asyncio.QueueFull:
            self.stats.dropped += 1
            self._on_result(kind, "dropped")
            log.warning("notice dropped: queue full", extra={"kind": kind, "bidder": bidder})
            return
        self.stats.queued += 1
        self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + 1
        self.start()

    async def drain(self) -> None:
        """Wait until every queued notice is delivered or given up."""
        await self._queue.join()

    async def close(self) -> None:
        """Stop the workers (queued notices not yet sent are abandoned)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _work(self) -> None:
        while True:
            url, kind, bidder = await self._queue.get()
            try:
                await self._deliver(url, kind, bidder)
            except Exception as exc:
                # A DSP's malformed URL (httpx.InvalidURL is no HTTPError) must not kill the
                # worker: the notice is counted as failed and the worker goes on.
                self.stats.failed += 1
                self._on_result(kind, "failed")
                log.warning(
                    "notice failed",
                    extra={"kind": kind, "bidder": bidder, "problem": type(exc).__name__},
                )
            finally:
                self._queue.task_done()

    async def _deliver(self, url: str, kind: str, bidder: str) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                status_code, _ = await transport.send(self.client, "GET", url, seconds=self.timeout)
                if status_code < 500:
                    self.stats.delivered += 1
                    self._on_result(kind, "delivered")
                    return
                problem = f"HTTP {status_code}"
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            if attempt < self.attempts:
                self.stats.retried += 1
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        self.stats.failed += 1
        self._on_result(kind, "failed")
        log.warning("notice failed", extra={"kind": kind, "bidder": bidder, "problem": problem})
