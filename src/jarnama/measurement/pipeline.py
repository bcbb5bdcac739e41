"""Bringing the analytics store up to date before a report: load, export products, attribute.

Each step is idempotent — the loader moves the event log in exactly once, the product list is
replaced whole, attribution replaces the credits of the days it covers — so running the
refresh before every report job is safe, only repeated work. One process at a time touches a
store: an exclusive `flock` on `<store>/.lock` is held for the refresh and the report's read,
so a report never reads credits another process is half-way through rewriting.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.measurement.attribution import attribute
from jarnama.measurement.products import export_products
from jarnama.measurement.rules import ad_group_kinds, rulebook
from jarnama.measurement.store import AnalyticsStore, LogLoader


@dataclass(frozen=True, slots=True)
class Refresh:
    """What one refresh did: log records loaded, products exported, purchase lines credited."""

    records: int
    products: int
    credited: int


@contextmanager
def store_lock(store: AnalyticsStore) -> Iterator[None]:
    """Hold the store's exclusive lock (blocks until other processes release it)."""
    store.root.mkdir(parents=True, exist_ok=True)
    with (store.root / ".lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def refresh(
    session: Session, settings: Settings, store: AnalyticsStore, start: dt.date, end: dt.date
) -> Refresh:
    """Load new events from the disk log, export the product list, re-attribute start..end.

    The caller holds `store_lock(store)`. With the Kafka backend the log is not on this disk;
    its consumer loads the store, so only the product list and attribution run here.
    """
    records = 0
    if settings.events.backend == "disk":
        records = LogLoader(settings.events.log_dir, store).run().records
    products = export_products(session, store).products
    # The effective rules: the network's stored settings and per-campaign-type overrides.
    book = rulebook(session, settings.measurement)
    credited = attribute(store, book, start, end, ad_group_kinds(session)).num_rows
    return Refresh(records, products, credited)
