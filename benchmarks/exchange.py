"""DOOH exchange overhead: one screen request fanned out to 5 test DSPs on loopback.

The test DSPs run in `--dsp-processes` separate processes (`python -m jarnama.exchange.testdsp`,
the bidders spread over them) and answer at once, so what is measured is the exchange itself
plus loopback HTTP. Each auction runs as the serving path runs it: on uvloop (what uvicorn
uses when installed), after `gc.freeze()` (as the app's lifespan does), through the owner's
approval gate (an in-memory book with the DSPs' creatives approved) and handing its record to
the background recorder (batch inserts into a migrated SQLite file, off the answer's path).
Prints:

- overhead per auction excluding DSP think time = auction wall time − the slowest bidder's
  HTTP round trip (p50/p90/p99/max), and the wall time itself;
- auctions per second with `--concurrency` auctions in flight (2 cores shared by the exchange
  and the DSP processes);
- the hanging-bidder run: one of the 5 DSPs never answers; every auction must still answer
  within tmax (late responses counted).

    .venv/bin/python benchmarks/exchange.py [--auctions 1000] [--concurrency 8] [--tmax 300]

The default run takes about a minute (bounded: notices drain for at most 60 s).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.exchange.dsp_process import running_dsp
from tests.exchange.samples import NOW, PLAYS_AT, RATES, screen

from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from jarnama.exchange.approvals import ApprovalBook, adomain_key
from jarnama.exchange.bidders import BidderSpec
from jarnama.exchange.core import Exchange, make_client
from jarnama.exchange.notices import NoticeSender
from jarnama.exchange.openrtb import Slot
from jarnama.exchange.ops_models import CreativeStatus
from jarnama.exchange.recorder import AuctionRecorder
from jarnama.exchange.settings import ExchangeSettings

DRAIN_SECONDS = 60
DSPS = {f"dsp{i}": {"mode": "bid", "price": f"{3 + i}.00", "currency": "USD"} for i in range(5)}
# The test DSP's default creative (testdsp.DspBehaviour): approved by the screen's owner.
CRID, ADOMAIN = "creative-1", ("shoro.kz",)
SCREEN = screen(daypart_floors=())


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"{q[49]:8.2f} {q[89]:8.2f} {q[98]:8.2f} {ordered[-1]:8.2f}"


def _exchange(bases: dict[str, str], settings: ExchangeSettings) -> Exchange:
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
        for name, base in bases.items()
    }
    # Bids and notices on pools of their own, as the runtime has them.
    return Exchange(
        bidders,
        settings,
        make_client(settings, bidders.values()),
        NoticeSender(make_client(settings), workers=8),
    )


def _book(names: list[str]) -> ApprovalBook:
    key = adomain_key(ADOMAIN)
    statuses = {(SCREEN.account_id, n, CRID, key): CreativeStatus.APPROVED for n in names}
    return ApprovalBook(statuses)


async def _run(
    exchange: Exchange,
    count: int,
    concurrency: int,
    sessions: sessionmaker[Session] | None,
) -> tuple[list[float], list[float], float, float, dict[str, int]]:
    overheads: list[float] = []
    walls: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)
    statuses: dict[str, int] = {}
    gate = _book(list(exchange.bidders)).gate(SCREEN.account_id)
    recorder = AuctionRecorder(sessions)
    recorder.start()

    async def one(index: int) -> None:
        async with semaphore:
            slot = Slot(screen=SCREEN, plays_at=PLAYS_AT, auction_id=f"a{time.time_ns()}-{index}")
            auction = await exchange.auction(slot, RATES, now=NOW, approval=gate)
            if sessions is not None:
                recorder.submit(SCREEN, auction)
            slowest = max((o.latency_ms for o in auction.outcomes), default=0.0)
            walls.append(auction.elapsed_ms)
            overheads.append(auction.elapsed_ms - slowest)
            for outcome in auction.outcomes:
                statuses[outcome.status] = statuses.get(outcome.status, 0) + 1

    # Warm the connection pool first, then freeze what start-up built (the app does too).
    await asyncio.gather(*(one(-i - 1) for i in range(concurrency)))
    gc.collect()
    gc.freeze()
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
    await recorder.close()
    stats, records = exchange.notices.stats, recorder.stats
    print(
        f"  {count} auctions, {concurrency} in flight: notices queued {stats.queued}, "
        f"delivered {stats.delivered}, failed {stats.failed}, drained in "
        f"{time.perf_counter() - drained:.1f} s; records written {records.written} in "
        f"{records.batches} batches, dropped {records.dropped}, failed {records.failed}; "
        f"bidder answers {statuses}",
        flush=True,
    )
    await exchange.notices.close()
    await exchange.notices.client.aclose()
    await exchange.client.aclose()
    gc.unfreeze()
    return overheads, walls, count / seconds, cpu_ms, statuses


def _loop_runner(name: str) -> Any:
    if name == "uvloop":
        try:
            import uvloop

            return uvloop.run
        except ImportError:
            print("uvloop is not installed: the asyncio loop runs instead")
    return asyncio.run


@contextmanager
def _dsp_processes(count: int, tmp: Path) -> Iterator[dict[str, str]]:
    """The 5 bidders and the hanging one spread over `count` test DSP processes."""
    behaviours = {**DSPS, "hang": {"mode": "hang"}}
    groups: list[dict[str, Any]] = [{} for _ in range(max(1, count))]
    for index, (name, behaviour) in enumerate(behaviours.items()):
        groups[index % len(groups)][name] = behaviour
    bases: dict[str, str] = {}
    with ExitStack() as stack:
        for index, group in enumerate(groups):
            folder = tmp / f"dsp{index}"
            folder.mkdir()
            base = stack.enter_context(running_dsp(group, folder))
            bases.update({name: base for name in group})
        yield bases


def _record_db(tmp: Path) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp / 'records.db'}")
    upgrade(engine)
    return engine, make_sessionmaker(engine)


def main() -> None:
    """Run the three measurements and print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--auctions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--tmax", type=int, default=300)
    parser.add_argument("--hang-concurrency", type=int, default=4)
    parser.add_argument("--hang-auctions", type=int, default=200)
    parser.add_argument("--dsp-processes", type=int, default=6, help="6: one per bidder")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--no-record", action="store_true", help="skip the background recorder")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, loop {args.loop}, "
        f"{args.dsp_processes} test DSP processes"
    )
    settings = ExchangeSettings(tmax_ms=args.tmax)
    measure = _loop_runner(args.loop)
    with (
        tempfile.TemporaryDirectory() as folder,
        _dsp_processes(args.dsp_processes, Path(folder)) as bases,
    ):
        engine, factory = _record_db(Path(folder))
        sessions = None if args.no_record else factory
        five = {name: bases[name] for name in DSPS}
        sequential = measure(_run(_exchange(five, settings), args.auctions, 1, sessions))
        concurrent = measure(
            _run(_exchange(five, settings), args.auctions, args.concurrency, sessions)
        )
        hanging_bases = {**{name: bases[name] for name in list(DSPS)[:4]}, "hang": bases["hang"]}
        hanging = measure(
            _run(
                _exchange(hanging_bases, settings),
                args.hang_auctions,
                args.hang_concurrency,
                sessions,
            )
        )
        engine.dispose()
    print(f"\n{'measure (ms)':<48} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    print(f"{'overhead, sequential, 5 bidders':<48} {_percentiles(sequential[0])}")
    print(f"{'wall time, sequential, 5 bidders':<48} {_percentiles(sequential[1])}")
    label = f"overhead, {args.concurrency} in flight"
    print(f"{label:<48} {_percentiles(concurrent[0])}")
    label = f"wall time, {args.concurrency} in flight"
    print(f"{label:<48} {_percentiles(concurrent[1])}")
    label = f"wall, 1 of 5 hangs, tmax {args.tmax}, {args.hang_concurrency} in flight"
    print(f"{label:<48} {_percentiles(hanging[1])}")
    late = sum(1 for wall in hanging[1] if wall > args.tmax)
    filled = concurrent[4].get("bids", 0) / max(1, sum(concurrent[4].values()))
    print(
        f"\nauctions/s sequential: {sequential[2]:,.0f}; with {args.concurrency} in flight: "
        f"{concurrent[2]:,.0f} ({filled:.0%} of bidder calls answered with a bid)"
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
