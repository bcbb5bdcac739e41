"""Event intake: dedupe by id, mark invalid traffic, make durable, and only then acknowledge.

Idempotency has two layers. The intake remembers the ids it made durable over the last
`dedupe_days` (rebuilt from the disk log at start), so a client's retry is answered
`duplicate` and not written again; the loader checks the analytics store too (+-8 days of the
event's day), which catches what a bounded memory or a Kafka restart let through. Together a
duplicate within at least 7 days is counted once.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Sequence
from pathlib import Path

import msgspec

from jarnama.config import Settings
from jarnama.tracking import events as ev
from jarnama.tracking.ivt import InvalidTrafficFilter
from jarnama.tracking.log import DurableLog, SegmentLog, lanes, list_segments, open_lane, read_log


class Verdict(enum.StrEnum):
    """What the intake did with one event."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"


def dedupe_key(event: ev.Event) -> str:
    """The idempotency key of an event: its kind and id."""
    return f"{event.kind_name}:{event.id}"


class RecentIds:
    """Ids seen in the last `window_seconds`, bounded to `max_ids` (oldest forgotten first)."""

    def __init__(self, window_seconds: float, max_ids: int) -> None:
        """An empty index."""
        self._window = window_seconds
        self._max = max_ids
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._seen

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, key: str, now: float) -> None:
        """Remember a key as seen at `now` (monotonic order of calls is assumed)."""
        self._seen[key] = now
        self._seen.move_to_end(key)

    def discard(self, key: str) -> None:
        """Forget a key (its write failed)."""
        self._seen.pop(key, None)

    def prune(self, now: float) -> None:
        """Forget keys older than the window or beyond the bound."""
        horizon = now - self._window
        seen = self._seen
        while seen and (len(seen) > self._max or next(iter(seen.values())) < horizon):
            seen.popitem(last=False)


class EventIntake:
    """Accepts events: idempotent, invalid traffic marked, acknowledged only once durable."""

    def __init__(
        self,
        log: DurableLog,
        ivt: InvalidTrafficFilter,
        *,
        dedupe_seconds: float = 8 * 86400,
        dedupe_max_ids: int = 2_000_000,
    ) -> None:
        """An intake writing to `log`."""
        self.log = log
        self.ivt = ivt
        self._ids = RecentIds(dedupe_seconds, dedupe_max_ids)
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        # Invalid events written, by (kind, reason): exported as jarnama_invalid_events_total.
        self.invalid: Counter[tuple[str, str]] = Counter()

    @classmethod
    def from_settings(cls, settings: Settings) -> EventIntake:
        """The intake configured by `settings.events` (disk log by default, or Kafka)."""
        conf = settings.events
        log: DurableLog
        if conf.backend == "kafka":
            from jarnama.tracking.kafka import KafkaLog

            kafka_config: dict[str, str] = {
                "bootstrap.servers": conf.kafka_bootstrap_servers,
                **conf.kafka_config,
            }
            log = KafkaLog(
                conf.kafka_topic, kafka_config, timeout_seconds=conf.kafka_timeout_seconds
            )
        else:
            # Each server process takes its own lane of the log directory.
            log = open_lane(conf.log_dir, segment_bytes=conf.segment_bytes)
        intake = cls(
            log,
            InvalidTrafficFilter(conf.bot_user_agents, conf.click_repeat_seconds),
            dedupe_seconds=conf.dedupe_days * 86400,
            dedupe_max_ids=conf.dedupe_max_ids,
        )
        if isinstance(log, SegmentLog):
            # Every lane: a client's retry may reach another server process than the first try.
            for lane in lanes(conf.log_dir):
                intake.remember_log(lane, conf.dedupe_days * 86400)
        return intake

    def remember_log(self, directory: Path, window_seconds: float) -> int:
        """Load the ids of the log's recent segments into the dedupe index; how many."""
        now = time.time()
        firsts = list_segments(directory)
        recent = [
            first
            for first in firsts
            if (directory / f"{first:020d}.seg").stat().st_mtime >= now - window_seconds
        ]
        if not recent:
            return 0
        loaded = 0
        for record in read_log(directory, seq=recent[0], segment=recent[0]):
            try:
                event = ev.decode(record.payload)
            except msgspec.ValidationError:
                continue
            self._ids.add(dedupe_key(event), time.monotonic())
            loaded += 1
        return loaded

    def submit(self, events: Sequence[ev.Event]) -> list[Verdict]:
        """Make new events durable and say, per event, whether it was new or a duplicate.

        Raises `LogError` when the log cannot make them durable (nothing is acknowledged).
        """
        return [verdict for verdict, _ in self.submit_classified(events)]

    def submit_classified(self, events: Sequence[ev.Event]) -> list[tuple[Verdict, ev.Event]]:
        """Like `submit`, with each event as written (its `ivt` verdict set; duplicates as given).

        Raises `LogError` when the log cannot make them durable (nothing is acknowledged).
        """
        now = time.monotonic()
        verdicts: list[Verdict] = []
        fresh: list[ev.Event] = []
        reserved: list[str] = []
        with self._lock:
            self._ids.prune(now)
            for event in events:
                key = dedupe_key(event)
                if key in self._ids:
                    verdicts.append(Verdict.DUPLICATE)
                    continue
                # Reserved before the write: a concurrent retry of the same id is a duplicate.
                self._ids.add(key, now)
                reserved.append(key)
                fresh.append(event)
                verdicts.append(Verdict.ACCEPTED)
        classified = [self.ivt.classify(event) for event in fresh]
        try:
            self.log.append([ev.encode(event) for event in classified])
        except BaseException:
            with self._lock:
                for key in reserved:
                    self._ids.discard(key)
            raise
        with self._lock:
            for event in classified:
                self.counts[event.kind_name] += 1
                if event.ivt is not None:
                    self.counts[f"ivt:{event.ivt}"] += 1
                    self.invalid[event.kind_name, event.ivt] += 1
            self.counts["duplicate"] += len(events) - len(fresh)
        written = iter(classified)
        return [
            (verdict, next(written) if verdict is Verdict.ACCEPTED else event)
            for verdict, event in zip(verdicts, events, strict=True)
        ]

    def tallies(self) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        """Copies of the counts: events written by kind (and duplicates), invalid by kind/reason."""
        with self._lock:
            return dict(self.counts), dict(self.invalid)

    def close(self) -> None:
        """Close the log."""
        self.log.close()
