"""The production event log: a Kafka topic written by an idempotent producer with acks=all.

`append` returns only when the brokers acknowledged every record (all in-sync replicas, so a
broker crash loses nothing acknowledged); the idempotent producer keeps retries from writing a
record twice. Concurrent callers share the producer: each waits for its own delivery reports.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from jarnama.tracking.log import LogError

# Properties that make `append` mean "durable"; callers cannot override them.
FIXED_CONFIG = {
    "acks": "all",
    "enable.idempotence": True,
    "max.in.flight.requests.per.connection": 5,
}


class KafkaLog:
    """A `DurableLog` on a Kafka topic (confluent-kafka / librdkafka)."""

    def __init__(
        self,
        topic: str,
        config: Mapping[str, Any],
        *,
        timeout_seconds: float = 10.0,
    ) -> None:
        """A producer for `topic` with `config` (bootstrap.servers, security …) made durable."""
        self.topic = topic
        self._timeout = timeout_seconds
        merged: dict[str, Any] = {"linger.ms": 5, "compression.type": "lz4", **config}
        merged.update(FIXED_CONFIG)
        merged["message.timeout.ms"] = int(timeout_seconds * 1000)
        self.config = {k: v for k, v in merged.items() if "password" not in k and "secret" not in k}
        self._producer = Producer(merged)
        self._lock = threading.Lock()

    def append(self, payloads: Sequence[bytes], keys: Sequence[bytes] | None = None) -> None:
        """Return once the brokers acknowledged every payload; `LogError` otherwise."""
        if not payloads:
            return
        pending = [len(payloads)]
        errors: list[KafkaError] = []
        done = threading.Event()

        def report(err: KafkaError | None, _msg: Message) -> None:
            if err is not None:
                errors.append(err)
            pending[0] -= 1
            if pending[0] == 0:
                done.set()

        for index, payload in enumerate(payloads):
            key = None if keys is None else keys[index]
            while True:
                try:
                    self._producer.produce(self.topic, payload, key, on_delivery=report)
                    break
                except BufferError:
                    # The local queue is full: serve delivery reports to make room.
                    self._producer.poll(0.05)
        deadline = time.monotonic() + self._timeout + 5
        while not done.is_set():
            if time.monotonic() > deadline:
                raise LogError("Kafka did not acknowledge the events in time")
            # Any thread's poll serves every pending report; flush-in-a-loop keeps it simple.
            self._producer.flush(0.1)
        if errors:
            raise LogError(f"Kafka refused {len(errors)} event(s): {errors[0].str()}")

    def close(self) -> None:
        """Deliver what is queued (bounded by the timeout) and drop the producer."""
        self._producer.flush(self._timeout)
