"""The Kafka side of the loader: the events topic into the analytics store, exactly once.

Exactly once by event id, resumable by committed offsets. One batch: consume up to N
messages from every partition, drop the events whose (kind, id) the store's id index already
holds (`measurement.dedupe`), write the rest as part files (temporary name, fsync, rename),
commit their ids, and only then commit the next offsets synchronously. A crash before the ids'
commit deletes the batch's files at the next open; a crash after it and before the offsets'
commit replays the batch from the committed offsets, whose events are then found in the index
and dropped. So nothing is counted twice, and nothing is lost because an offset is committed
only after its events are durable in the store.
Duplicates in the topic itself (a producer's retry across restarts, a client's retry on
another server) are dropped the same way.

The loader assigns every partition of the topic to itself (no group rebalancing, so it
starts at once): run one loader per topic and store. Its `group.id` holds the offsets.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from jarnama.measurement.dedupe import DedupeIndex
from jarnama.measurement.store import AnalyticsStore, write_events
from jarnama.tracking import events as ev
from jarnama.tracking.log import LogError


@dataclass(frozen=True, slots=True)
class KafkaLoadResult:
    """What one loader run did: messages read, rows written, duplicates dropped, batches."""

    messages: int
    rows: int
    duplicates: int
    undecodable: int
    batches: int
    offsets: dict[int, int]


class KafkaLoader:
    """Consumes the events topic into the analytics store, committing offsets after each batch."""

    def __init__(
        self,
        topic: str,
        config: Mapping[str, Any],
        store: AnalyticsStore,
        *,
        group_id: str = "jarnama-loader",
        timeout_seconds: float = 10.0,
        poll_seconds: float = 1.0,
    ) -> None:
        """A loader of `topic` (bootstrap.servers and security in `config`) into `store`."""
        self.topic = topic
        self.store = store
        self._timeout = timeout_seconds
        # How long one consume call waits to fill a batch (a partial batch is loaded after it).
        self._poll = poll_seconds
        merged: dict[str, Any] = {
            **config,
            "group.id": group_id,
            # Offsets move only when the batch is in the store: never automatically.
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
            "isolation.level": "read_committed",
        }
        self._consumer = Consumer(merged)
        self._partitions = self._assign()

    def _assign(self) -> list[int]:
        metadata = self._consumer.list_topics(self.topic, timeout=self._timeout)
        described = metadata.topics.get(self.topic)
        if described is None or described.error is not None or not described.partitions:
            problem = described.error if described is not None else "missing"
            raise LogError(f"topic {self.topic!r} cannot be read: {problem}")
        partitions = sorted(described.partitions)
        wanted = [TopicPartition(self.topic, p) for p in partitions]
        committed = self._consumer.committed(wanted, timeout=self._timeout)
        start = [
            TopicPartition(
                self.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING
            )
            for tp in committed
        ]
        self._consumer.assign(start)
        return partitions

    def committed(self) -> dict[int, int]:
        """The committed next offset of each partition (-1001 when none was committed)."""
        wanted = [TopicPartition(self.topic, p) for p in self._partitions]
        return {
            tp.partition: tp.offset
            for tp in self._consumer.committed(wanted, timeout=self._timeout)
        }

    def run(self, batch_messages: int = 50_000, max_batches: int | None = None) -> KafkaLoadResult:
        """Load until every partition is caught up (or `max_batches`); what was loaded."""
        with DedupeIndex(self.store) as index:
            return self._run(batch_messages, max_batches, index)

    def _run(
        self, batch_messages: int, max_batches: int | None, index: DedupeIndex
    ) -> KafkaLoadResult:
        messages = rows = duplicates = undecodable = batches = 0
        at_end: set[int] = set()
        idle_deadline = time.monotonic() + self._timeout
        while max_batches is None or batches < max_batches:
            events: list[ev.Event] = []
            next_offsets: dict[int, int] = {}
            first: tuple[int, int] | None = None
            polled = self._consumer.consume(batch_messages, timeout=self._poll)
            for message in polled:
                error = message.error()
                partition = message.partition()
                assert partition is not None
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        at_end.add(partition)
                        continue
                    raise LogError(f"Kafka consume failed: {error.str()}")
                offset = message.offset()
                assert offset is not None
                at_end.discard(partition)
                if first is None:
                    first = (partition, offset)
                next_offsets[partition] = offset + 1
                value = message.value()
                try:
                    events.append(ev.decode(value or b""))
                except msgspec.DecodeError:
                    undecodable += 1  # written by a newer version or not an event: left in Kafka
            if next_offsets:
                assert first is not None
                # Unique per write: a replayed batch may differ in size, and its events are
                # deduplicated by id, so a name must never overwrite an earlier batch's file.
                name = f"part-k{first[0]}-{first[1]:020d}-{uuid.uuid4().hex[:8]}.parquet"
                n_rows, n_dupes = write_events(self.store, events, name, index)
                self._commit(next_offsets)
                messages += sum(1 for m in polled if m.error() is None)
                rows, duplicates, batches = rows + n_rows, duplicates + n_dupes, batches + 1
                idle_deadline = time.monotonic() + self._timeout
                continue
            if len(at_end) >= len(self._partitions):
                break  # every partition caught up
            if not polled and time.monotonic() > idle_deadline:
                break  # no end-of-partition news either (e.g. brokers unreachable): stop
            if polled:
                idle_deadline = time.monotonic() + self._timeout
        return KafkaLoadResult(messages, rows, duplicates, undecodable, batches, self.committed())

    def _commit(self, next_offsets: dict[int, int]) -> None:
        """Commit the next offsets synchronously (after the batch is in the store)."""
        offsets = [TopicPartition(self.topic, p, o) for p, o in sorted(next_offsets.items())]
        try:
            self._consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            raise LogError(f"Kafka offset commit failed: {exc}") from exc

    def close(self) -> None:
        """Leave the cluster (offsets already committed)."""
        self._consumer.close()
