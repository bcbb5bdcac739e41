"""The Kafka log against librdkafka's built-in mock cluster (3 brokers on loopback).

Not skipped anywhere: the mock cluster ships inside the confluent-kafka wheel.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from confluent_kafka import Consumer

from jarnama.tracking import events as ev
from jarnama.tracking.ivt import InvalidTrafficFilter
from jarnama.tracking.kafka import KafkaLog
from jarnama.tracking.log import LogError
from jarnama.tracking.service import EventIntake, Verdict

from .helpers import purchase


def _consume_all(bootstrap: str, topic: str, expected: int) -> list[bytes]:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"test-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    payloads: list[bytes] = []
    try:
        for _ in range(300):
            message = consumer.poll(0.1)
            if message is None:
                if len(payloads) >= expected:
                    break
                continue
            assert message.error() is None, message.error()
            value = message.value()
            assert value is not None
            payloads.append(value)
    finally:
        consumer.close()
    return payloads


def test_acknowledged_events_are_in_the_topic_exactly_once() -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    log = KafkaLog(topic, {"test.mock.num.brokers": 3}, timeout_seconds=10)
    intake = EventIntake(log, InvalidTrafficFilter([], 30))
    batches = [[purchase(f"p{t}-{i}") for i in range(50)] for t in range(4)]

    def send(batch: list[ev.Purchase]) -> None:
        assert intake.submit(batch) == [Verdict.ACCEPTED] * len(batch)

    threads = [threading.Thread(target=send, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert intake.submit([purchase("p0-0")]) == [Verdict.DUPLICATE]
    brokers = log._producer.list_topics(timeout=5).brokers.values()
    assert len(brokers) == 3
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in brokers)
    payloads = _consume_all(bootstrap, topic, 200)
    ids = sorted(ev.decode(p).id for p in payloads)
    assert ids == sorted(p.id for batch in batches for p in batch)
    intake.close()


def test_an_unreachable_cluster_acknowledges_nothing() -> None:
    log = KafkaLog(
        "events",
        {"bootstrap.servers": "127.0.0.1:1", "socket.connection.setup.timeout.ms": 1000},
        timeout_seconds=1,
    )
    with pytest.raises(LogError):
        log.append([b"never durable"])
    log.close()


def test_durability_settings_cannot_be_weakened() -> None:
    log = KafkaLog("events", {"test.mock.num.brokers": 1, "acks": "0"}, timeout_seconds=1)
    assert log.config["acks"] == "all"
    assert log.config["enable.idempotence"] is True
    log.append([b"durable"])
    log.close()
