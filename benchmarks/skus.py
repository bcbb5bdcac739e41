"""SKU → product id look-up for 500 candidate SKUs against a demo-sized catalog.

20,000 known SKUs shaped like the demo's (`DM-MILK-01-0014`), 500 per request (400 known,
100 unknown), each request's SKUs freshly built strings as the JSON decoder hands them over.
`--cold` evicts the CPU caches between requests (8 MB written), as the auction between two
requests of a live server does. Prints p50/p90/p99 and the mean per request.

    .venv/bin/python benchmarks/skus.py [--requests 20000] [--cold]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np

from jarnama.decisioning.skus import SkuIndex

KNOWN = 20_000
CANDIDATES = 500
UNKNOWN_PER_REQUEST = 100
WORDS = (
    "MILK MAYONNAISE CHICKEN-BREAST DARK-CHOCOLATE BEEF WET-CAT-FOOD MUESLI NECTAR "
    "GROUND-COFFEE CARAMEL-SWEETS SALMON WASHING-POWDER BABY-PUREE BUTTER SOAP OAT-FLAKES "
    "LAUNDRY-GEL COTTAGE-CHEESE KEFIR BREAD"
).split()


def catalog(rng: random.Random) -> dict[str, int]:
    """20,000 demo-shaped SKUs → ids."""
    skus: set[str] = set()
    while len(skus) < KNOWN:
        skus.add(f"DM-{rng.choice(WORDS)}-{rng.randint(1, 9):02d}-{rng.randint(1, 9999):04d}")
    return {sku: 1_000 + n for n, sku in enumerate(sorted(skus))}


def main() -> None:
    """Time `SkuIndex.lookup` per request and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--cold", action="store_true", help="evict the caches between requests")
    args = parser.parse_args()
    rng = random.Random(7)
    by_sku = catalog(rng)
    known = list(by_sku)
    started = time.perf_counter()
    index = SkuIndex(by_sku)
    built = time.perf_counter() - started
    requests = [
        rng.sample(known, CANDIDATES - UNKNOWN_PER_REQUEST)
        + [f"XX-{rng.randint(0, 10**9)}" for _ in range(UNKNOWN_PER_REQUEST)]
        for _ in range(min(args.requests, 2_000))
    ]
    for skus in requests[:50]:  # warm-up (and the first call's compilation, if any)
        got = index.lookup(skus).tolist()
        assert got == [by_sku.get(sku, -1) for sku in skus]
    scratch = np.zeros(1 << 20, dtype=np.int64)  # 8 MB, larger than the last-level cache
    times: list[float] = []
    for n in range(args.requests):
        # New str objects each time, as the JSON decoder hands them over: a str caches its
        # hash(), so reusing the objects would time only the first request's hashing.
        skus = [sku[:1] + sku[1:] for sku in requests[n % len(requests)]]
        if args.cold:
            scratch += 1
        t0 = time.perf_counter()
        index.lookup(skus)
        times.append(time.perf_counter() - t0)
    ms = sorted(t * 1e3 for t in times)
    q = statistics.quantiles(ms, n=100)
    mode = "cold caches" if args.cold else "warm caches"
    print(f"SkuIndex: {KNOWN:,} known SKUs, {CANDIDATES} per request, {mode}")
    print(f"build {built * 1e3:.1f} ms")
    print(f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    print(f"{q[49]:8.4f} {q[89]:8.4f} {q[98]:8.4f} {statistics.fmean(ms):8.4f}")


if __name__ == "__main__":
    main()
