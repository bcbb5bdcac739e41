"""DOOH exchange overhead: one screen request fanned out to 5 test DSPs on loopback.

The test DSPs run in a separate process (`python -m jarnama.exchange.testdsp`) and answer at
once, so what is measured is the exchange itself plus loopback HTTP. Prints:

- overhead per auction excluding DSP think time = auction wall time − the slowest bidder's
  HTTP round trip (p50/p90/p99/max), and the wall time itself;
- auctions per second with `--concurrency` auctions in flight (exchange on one core, the DSP
  process on the other: 2 cores);
- the hanging-bidder run: one of the 5 DSPs never answers; every auction must still answer
  within tmax (late responses counted).

    .venv/bin/python benchmarks/exchange.py [--auctions 2000] [--concurrency 32] [--tmax 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.exchange.dsp_process import running_dsp
from tests.exchange.samples import NOW, PLAYS_AT, RATES, screen

from jarnama.exchange.bidders import BidderSpec
from jarnama.exchange.core import Exchange, make_client
from jarnama.exchange.notices import NoticeSender
from jarnama.exchange.openrtb import Slot
from jarnama.exchange.settings import ExchangeSettings

DRAIN_SECONDS = 60
DSPS = {f"dsp{i}": {"mode": "bid", "price": f"{3 + i}.00", "currency": "USD"} for i in range(5)}


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"{q[49]:8.2f} {q[89]:8.2f} {q[98]:8.2f} {ordered[-1]:8.2f}"


def _exchange(base: str, names: list[str], settings: ExchangeSettings) -> Exchange:
    bidders = {
        name: BidderSpec.model_validate(
            {
                "code": name,
                "name": name,
                "endpoint": f"{base}/{name}/bid",
                "channels": ["dooh"],
                "media_types": ["banner", "video"],
                "currency": "USD",
                "timeout_ms": settings.tmax_ms,
                "qps": 1_000_000,
            }
        )
        for name in names
    }
    client = make_client(settings)
    return Exchange(bidders, settings, client, NoticeSender(client, workers=8))


async def _run(
    exchange: Exchange, count: int, concurrency: int
) -> tuple[list[float], list[float], float, float]:
    slot_screen = screen(daypart_floors=())
    overheads: list[float] = []
    walls: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)
    statuses: dict[str, int] = {}

    async def one(index: int) -> None:
        async with semaphore:
            slot = Slot(screen=slot_screen, plays_at=PLAYS_AT, auction_id=f"a{index}")
            auction = await exchange.auction(slot, RATES, now=NOW)
            slowest = max((o.latency_ms for o in auction.outcomes), default=0.0)
            walls.append(auction.elapsed_ms)
            overheads.append(auction.elapsed_ms - slowest)
            for outcome in auction.outcomes:
                statuses[outcome.status] = statuses.get(outcome.status, 0) + 1

    # Warm the connection pool first.
    await asyncio.gather(*(one(-i - 1) for i in range(concurrency)))
    overheads.clear()
    walls.clear()
    statuses.clear()
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i) for i in range(count)))
    seconds = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu) * 1000 / count
    # Bounded: notices that cannot be delivered in time are reported, never waited for forever.
    drained = time.perf_counter()
    try:
        await asyncio.wait_for(exchange.notices.drain(), DRAIN_SECONDS)
    except TimeoutError:
        print(f"notices not drained within {DRAIN_SECONDS} s: {exchange.notices.stats}")
    stats = exchange.notices.stats
    print(
        f"  {count} auctions, {concurrency} in flight: notices queued {stats.queued}, "
        f"delivered {stats.delivered}, retried {stats.retried}, failed {stats.failed}, "
        f"drained in {time.perf_counter() - drained:.1f} s; bidder answers {statuses}",
        flush=True,
    )
    await exchange.notices.close()
    await exchange.client.aclose()
    return overheads, walls, count / seconds, cpu_ms


def main() -> None:
    """Run the three measurements and print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--auctions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--tmax", type=int, default=300)
    parser.add_argument("--hang-concurrency", type=int, default=4)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    settings = ExchangeSettings(tmax_ms=args.tmax)
    behaviours = {**DSPS, "hang": {"mode": "hang"}}
    with tempfile.TemporaryDirectory() as tmp, running_dsp(behaviours, Path(tmp)) as base:
        names = list(DSPS)
        sequential = asyncio.run(_run(_exchange(base, names, settings), args.auctions, 1))
        concurrent = asyncio.run(
            _run(_exchange(base, names, settings), args.auctions, args.concurrency)
        )
        hanging_names = [*names[:4], "hang"]
        hanging = asyncio.run(
            _run(
                _exchange(base, hanging_names, settings),
                max(200, args.auctions // 10),
                args.hang_concurrency,
            )
        )
    print(f"\n{'measure (ms)':<48} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    print(f"{'overhead, sequential, 5 bidders':<48} {_percentiles(sequential[0])}")
    print(f"{'wall time, sequential, 5 bidders':<48} {_percentiles(sequential[1])}")
    print(
        f"{'overhead, ' + str(args.concurrency) + ' in flight':<48} {_percentiles(concurrent[0])}"
    )
    label = f"wall, 1 of 5 hangs, tmax {args.tmax}, {args.hang_concurrency} in flight"
    print(f"{label:<48} {_percentiles(hanging[1])}")
    late = sum(1 for wall in hanging[1] if wall > args.tmax)
    print(
        f"\nauctions/s sequential: {sequential[2]:,.0f}; with {args.concurrency} in flight: "
        f"{concurrent[2]:,.0f}"
    )
    print(f"exchange CPU per auction (this process, 5 bidders): {sequential[3]:.2f} ms")
    print(f"hanging bidder: {len(hanging[1])} auctions, {late} late (> {args.tmax} ms)")
    print(
        json.dumps(
            {
                "late": late,
                "rps": round(concurrent[2]),
                "overhead_p99": round(statistics.quantiles(sequential[0], n=100)[98], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
