"""Durable intake throughput: purchase batches through the batch API's handler, fsync'd.

Runs `accept_purchases` (body decode, per-purchase validation, dedupe, encode, group-commit
fsync) from several threads, as the API's thread pool does; HTTP parsing is not included.
Usage: python -m benchmarks.intake [--batches 200] [--batch-size 1000] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time

from jarnama.tracking.api import accept_purchases
from jarnama.tracking.ivt import InvalidTrafficFilter
from jarnama.tracking.log import SegmentLog
from jarnama.tracking.service import EventIntake


def _body(batch: int, size: int) -> bytes:
    purchases = [
        {
            "id": f"b{batch}-{i}",
            "at": "2026-03-01T10:00:00+05:00",
            "order_id": f"o{batch}-{i}",
            "channel": "store",
            "store_code": "ALA-01",
            "user_id": f"loyalty-{i % 5000}",
            "lines": [{"sku": f"SKU-{i % 997}", "quantity": 1, "unit_price_tiyn": 129_900}],
        }
        for i in range(size)
    ]
    return json.dumps({"purchases": purchases}).encode()


def main() -> None:
    """Print events per second for the configured run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    bodies = [_body(b, args.batch_size) for b in range(args.batches)]
    with tempfile.TemporaryDirectory() as directory:
        intake = EventIntake(SegmentLog(directory), InvalidTrafficFilter([], 30))
        queue = list(range(args.batches))
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    index = queue.pop()
                result = accept_purchases(intake, bodies[index], 10_000)
                assert result.accepted == args.batch_size

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        intake.close()
    total = args.batches * args.batch_size
    print(f"{'events':>10} {'seconds':>8} {'events/s':>10}")
    print(f"{total:>10} {elapsed:>8.2f} {total / elapsed:>10.0f}")


if __name__ == "__main__":
    main()
