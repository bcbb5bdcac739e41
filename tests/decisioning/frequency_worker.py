"""One server process counting impressions through the shared Redis (run by test_shared_state).

Usage: python -m tests.decisioning.frequency_worker URL PREFIX NAME START_EPOCH
Counts 40 impressions both processes receive (the same resolved bid ids, as when a pixel
reaches two servers behind a load balancer) and 20 of its own; prints how many it counted.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from jarnama.decisioning.redis_state import RedisStateStore

USER = "shopper-frequency"
CAMPAIGN_ID = 77
SHARED = 40
OWN = 20


def main(url: str, prefix: str, name: str, start: float) -> dict[str, object]:
    """Record the shared and own impressions, interleaved, and report the firsts."""
    store = RedisStateStore.from_url(url, prefix=prefix)
    at = dt.datetime.now(dt.UTC)
    while time.time() < start:
        time.sleep(0.001)
    bids = [f"shared-{i}" for i in range(SHARED)] + [f"{name}-{i}" for i in range(OWN)]
    counted = sum(store.record_impression(USER, CAMPAIGN_ID, at, bid_id=b) for b in bids)
    return {"name": name, "counted": counted}


if __name__ == "__main__":
    url, prefix, name, start = sys.argv[1:5]
    print(json.dumps(main(url, prefix, name, float(start))))  # noqa: T201
