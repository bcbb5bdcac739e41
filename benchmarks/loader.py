"""Loader cost against history: the same-sized batch loaded into an ever larger store.

Writes `--days` days of clicks to a disk log, `--per-day` a day, loading after each day
(one batch a day), and prints each load's time and the ids the dedupe index holds. The load of
day N should cost what day 1 cost: dedupe is one index probe per event (`measurement.dedupe`),
not a read of the +-8 days of earlier files. The last run re-sends day 1 (all duplicates).
Usage: python -m benchmarks.loader [--days 40] [--per-day 50000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from jarnama.measurement.dedupe import DedupeIndex
from jarnama.measurement.store import AnalyticsStore, LogLoader
from jarnama.tracking import events as ev
from jarnama.tracking.log import SegmentLog

T0 = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def _day(day: int, per_day: int) -> list[bytes]:
    at = T0 + dt.timedelta(days=day)
    ad = ev.AdRef(bid_id="b", campaign_id=1, ad_group_id=1, account_id=1, user_id="u")
    return [
        ev.encode(ev.Click(id=f"c{day}-{n}", at=at + dt.timedelta(seconds=n % 80_000), ad=ad))
        for n in range(per_day)
    ]


def main() -> None:
    """Print one row per load: day, seconds, rows written, duplicates, ids held."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--per-day", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = AnalyticsStore(root / "store")
        print(f"{'day':>4} {'load s':>8} {'rows':>8} {'dupes':>8} {'ids held':>10}")
        for day in [*range(args.days), 0]:
            log = SegmentLog(root / "log")
            log.append(_day(day, args.per_day))
            log.close()
            started = time.perf_counter()
            result = LogLoader(root / "log", store).run(batch_records=args.per_day)
            took = time.perf_counter() - started
            with DedupeIndex(store) as index:
                held = index.held()
            row = f"{day:>4} {took:>8.2f} {result.rows:>8} {result.duplicates:>8} {held:>10}"
            print(row)


if __name__ == "__main__":
    main()
