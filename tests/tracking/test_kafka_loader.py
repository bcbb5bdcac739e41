"""The Kafka loader against librdkafka's built-in mock cluster: exactly once, resumable.

The mock cluster ships inside the confluent-kafka wheel and lives in the producer's process;
the loader reaches it through the bootstrap addresses the producer reports.
"""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest

from jarnama.measurement.store import AnalyticsStore
from jarnama.tracking import events as ev
from jarnama.tracking.kafka import KafkaLog
from jarnama.tracking.kafka_loader import KafkaLoader
from jarnama.tracking.log import LogError

from .helpers import T0, ad, purchase

FAST = {"timeout_seconds": 5.0, "poll_seconds": 0.1}


def _cluster(topic: str) -> tuple[KafkaLog, dict[str, str]]:
    log = KafkaLog(
        topic,
        {"test.mock.num.brokers": 3},
        timeout_seconds=10,
    )
    log.append([b"warm-up: not an event"])  # creates the topic (auto-created partitions)
    brokers = log._producer.list_topics(timeout=5).brokers.values()
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in brokers)
    return log, {"bootstrap.servers": bootstrap}


def _ids(store: AnalyticsStore, table: str) -> Counter[str]:
    ids: Counter[str] = Counter()
    for path in store.files(table):
        ids.update(pq.read_table(path, columns=["event_id"]).column("event_id").to_pylist())
    return ids


def _events(prefix: str, count: int) -> list[bytes]:
    made: list[ev.Event] = []
    for i in range(count):
        if i % 3 == 0:
            made.append(ev.Click(id=f"{prefix}{i}", at=T0, ad=ad(f"b{prefix}{i}")))
        else:
            made.append(purchase(f"{prefix}{i}", lines=[("SKU-1", 1, 100), ("SKU-2", 2, 50)]))
    return [ev.encode(e) for e in made]


def test_the_topic_lands_in_the_store_once_across_runs_replays_and_duplicates(
    tmp_path: Path,
) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    log, config = _cluster(topic)
    store = AnalyticsStore(tmp_path / "store")
    log.append(_events("a", 30))

    first = KafkaLoader(topic, config, store, group_id="loader", **FAST)
    result = first.run(batch_messages=7)
    first.close()
    assert (result.messages, result.undecodable, result.duplicates) == (31, 1, 0)
    assert result.batches >= 3
    assert sum(o for o in result.offsets.values() if o >= 0) == 31  # -1001: none committed
    assert _ids(store, "clicks") == Counter(f"a{i}" for i in range(0, 30, 3))
    purchases = _ids(store, "purchase_lines")
    assert purchases == Counter({f"a{i}": 2 for i in range(30) if i % 3})  # two lines each

    # New events plus ten the topic holds twice (a client's retry on another server).
    log.append(_events("b", 12) + _events("a", 10))
    second = KafkaLoader(topic, config, store, group_id="loader", **FAST)
    again = second.run(batch_messages=100)
    second.close()
    assert (again.messages, again.duplicates) == (22, 10)  # resumed at the committed offsets
    assert max(_ids(store, "clicks").values()) == 1
    assert len(_ids(store, "purchase_lines")) == 20 + 8
    log.close()


def test_a_crash_before_the_offset_commit_replays_the_batch_without_doubling_it(
    tmp_path: Path,
) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    log, config = _cluster(topic)
    store = AnalyticsStore(tmp_path / "store")
    log.append(_events("c", 20))

    crashing = KafkaLoader(topic, config, store, group_id="loader", poll_seconds=2)
    # The part files are written, then the process dies before committing the offsets.
    with (
        mock.patch.object(crashing, "_commit", side_effect=LogError("killed")),
        pytest.raises(LogError),
    ):
        crashing.run(batch_messages=21)
    crashing.close()
    written = _ids(store, "clicks") + _ids(store, "purchase_lines")
    assert written  # the first batch reached the store before the crash

    restarted = KafkaLoader(topic, config, store, group_id="loader", **FAST)
    assert set(restarted.committed().values()) == {-1001}  # nothing was committed
    replay = restarted.run(batch_messages=100)
    restarted.close()
    assert replay.messages == 21  # from the start again: nothing had been committed
    assert replay.duplicates == len(written)  # the crashed batch's events, dropped by id
    assert _ids(store, "clicks") == Counter(f"c{i}" for i in range(0, 20, 3))
    assert _ids(store, "purchase_lines") == Counter({f"c{i}": 2 for i in range(20) if i % 3})
    log.close()


def test_an_unknown_topic_is_a_clear_error(tmp_path: Path) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    log, config = _cluster(topic)
    with pytest.raises(LogError, match="cannot be read"):
        KafkaLoader(
            "no-such-topic",
            {**config, "allow.auto.create.topics": "false"},
            AnalyticsStore(tmp_path),
            timeout_seconds=2,
        )
    log.close()


def test_the_load_command_reads_the_configured_topic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from jarnama.cli import app

    topic = f"events-{uuid.uuid4().hex[:8]}"
    log, config = _cluster(topic)
    log.append(_events("d", 6))
    monkeypatch.setenv("JARNAMA_EVENTS__BACKEND", "kafka")
    monkeypatch.setenv("JARNAMA_EVENTS__KAFKA_BOOTSTRAP_SERVERS", config["bootstrap.servers"])
    monkeypatch.setenv("JARNAMA_EVENTS__KAFKA_TOPIC", topic)
    monkeypatch.setenv("JARNAMA_EVENTS__KAFKA_TIMEOUT_SECONDS", "5")
    monkeypatch.setenv("JARNAMA_MEASUREMENT__STORE_DIR", str(tmp_path / "store"))
    runner = CliRunner()
    first = runner.invoke(app, ["events", "load"])
    assert first.exit_code == 0, first.output
    assert "7 events read from the kafka log: 10 rows written, 0 duplicates" in first.output
    again = runner.invoke(app, ["events", "load"])
    assert "0 events read" in again.output
    store = AnalyticsStore(tmp_path / "store")
    assert _ids(store, "clicks") == Counter({"d0": 1, "d3": 1})
    log.close()
