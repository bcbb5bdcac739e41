"""Two OS processes charge one campaign through the real Redis; a third only serves.

The budget holds (spend <= budget + one charge) and all three stop within a second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from .budget_worker import CAMPAIGN_ID, MAX_CHARGE_TIYN

ROOT = Path(__file__).resolve().parents[2]
BUDGET_TIYN = 300_000


@pytest.mark.slow
def test_two_processes_never_overspend_and_every_process_stops_within_a_second(
    redis_url: str, redis_prefix: str
) -> None:
    start = time.time() + 1.5  # both processes are up and importing well before this
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.decisioning.budget_worker",
                redis_url,
                redis_prefix,
                name,
                str(BUDGET_TIYN),
                repr(start),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("server-a", "server-b", "observer")
    ]
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))

    client = redis.Redis.from_url(redis_url)
    total = int(client.get(f"{redis_prefix}spend:t:{CAMPAIGN_ID}") or 0)
    client.close()
    budget = BUDGET_TIYN * 1000
    accepted = [amount for report in reports for amount in report["accepted"]]
    # Both really charged concurrently, and every accepted charge is in the ledger once.
    assert all(len(report["accepted"]) > 20 for report in reports[:2]), reports
    assert total == sum(accepted)
    # The bound: spend <= budget + one charge (the one that crossed it).
    assert budget <= total < budget + MAX_CHARGE_TIYN * 1000
    crossings = [r["crossed_at"] for r in reports if r["crossed_at"] is not None]
    assert len(crossings) == 1
    crossed = crossings[0]
    for report in reports:
        assert report["late_refused"]
        # Clocks are read after each round trip, so allow a few ms of reporting skew.
        assert report["last_accepted_at"] <= crossed + 0.05
        assert report["stopped_at"] is not None
        assert report["stopped_at"] - crossed < 1.0, report
