"""Prometheus series of the event intake, read from its counts at scrape time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from jarnama.tracking.events import EVENT_TYPES

_KINDS = frozenset(t.kind_name for t in EVENT_TYPES)
_LOCK = threading.Lock()


class IntakeCollector(Collector):
    """Events written and invalid events kept (never billed), by kind and reason."""

    def __init__(self, state: Any) -> None:
        """A collector reading the intake held by an app's `state` (none yet: no samples)."""
        self._state = state

    def describe(self) -> Iterator[Metric]:
        """The two series, without samples (so registering does not open the intake)."""
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        """The current counts of the intake."""
        intake = getattr(self._state, "event_intake", None)
        written, invalid = intake.tallies() if intake is not None else ({}, {})
        events, invalid_family = self._families()
        for kind in sorted(_KINDS & written.keys()):
            events.add_metric([kind], written[kind])
        for (kind, reason), count in sorted(invalid.items()):
            invalid_family.add_metric([kind, reason], count)
        yield events
        yield invalid_family

    @staticmethod
    def _families() -> tuple[CounterMetricFamily, CounterMetricFamily]:
        return (
            CounterMetricFamily(
                "jarnama_intake_events",
                "Events made durable by the intake, by kind (invalid ones included).",
                labels=["kind"],
            ),
            CounterMetricFamily(
                "jarnama_invalid_events",
                "Invalid traffic kept and counted, never billed or reported, by kind and reason.",
                labels=["kind", "reason"],
            ),
        )


def install(state: Any, registry: CollectorRegistry) -> None:
    """Register the intake's series in `registry` once per app."""
    with _LOCK:
        if getattr(state, "intake_collector", None) is None:
            collector = IntakeCollector(state)
            registry.register(collector)
            state.intake_collector = collector
