"""One server process charging a shared campaign through Redis (run by test_state_processes).

Usage: python -m tests.decisioning.budget_worker URL PREFIX NAME BUDGET_TIYN START_EPOCH
Prints one JSON line: accepted amounts, when this process crossed the budget (if it did),
when its serving view first showed the campaign exhausted, and refusals after that.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time

from jarnama.decisioning.redis_state import RedisStateStore
from jarnama.decisioning.state import BudgetLimits, ChargeStatus

CAMPAIGN_ID = 4242
MAX_CHARGE_TIYN = 500


def main(url: str, prefix: str, name: str, budget_tiyn: int, start: float) -> dict[str, object]:
    """Charge (or, as an observer, only watch) until the serving view says exhausted."""
    store = RedisStateStore.from_url(url, prefix=prefix, refresh_seconds=0.25)
    campaign = BudgetLimits(CAMPAIGN_ID, total_budget_tiyn=budget_tiyn)
    rng = random.Random(name)
    at = dt.datetime.now(dt.UTC)
    accepted: list[int] = []
    crossed_at: float | None = None
    last_accepted_at = 0.0
    while time.time() < start:
        time.sleep(0.001)
    number = 0
    stopped_at: float | None = None
    while stopped_at is None and name.startswith("observer"):
        # Serves only (no charges): learns of the exhaustion from the shared state alone.
        if store.budget_exhausted(CAMPAIGN_ID, at.date()):
            stopped_at = time.time()
        elif time.time() - start > 30:
            break
        time.sleep(0.001)
    while stopped_at is None:
        amount = rng.randint(1, MAX_CHARGE_TIYN) * 1000
        result = store.charge(f"{name}-{number}", campaign, amount, at)
        number += 1
        now = time.time()
        if result.charged:
            accepted.append(amount)
            last_accepted_at = now
            if result.total_spent_mtiyn >= budget_tiyn * 1000:
                crossed_at = now
        if store.budget_exhausted(CAMPAIGN_ID, at.date()):
            stopped_at = now
        if now - start > 30:
            break
    late = [store.charge(f"{name}-late-{i}", campaign, 1000, at).status for i in range(50)]
    return {
        "name": name,
        "accepted": accepted,
        "attempts": number,
        "crossed_at": crossed_at,
        "last_accepted_at": last_accepted_at,
        "stopped_at": stopped_at,
        "late_refused": all(s is ChargeStatus.TOTAL_BUDGET_EXHAUSTED for s in late),
    }


if __name__ == "__main__":
    url, prefix, name, budget, start = sys.argv[1:6]
    print(json.dumps(main(url, prefix, name, int(budget), float(start))))  # noqa: T201
