"""The exchange core against real test DSP processes on loopback: fan-out, no-bids, timeouts.

The hanging-bidder test is the issue's acceptance test: one bidder never answers, yet every
auction returns within tmax with the other bidders' bids.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from jarnama.exchange import adapters, core
from jarnama.exchange.bidders import BidderSpec
from jarnama.exchange.core import Exchange, QpsLimiter, bidder_timeout_ms, make_client
from jarnama.exchange.notices import NoticeSender
from jarnama.exchange.openrtb import Slot
from jarnama.exchange.settings import ExchangeSettings
from tests.exchange.dsp_process import running_dsp
from tests.exchange.samples import NOW, RATES, deal, screen
from tests.exchange.schema import dooh_errors, schema_errors

BEHAVIOURS: dict[str, dict[str, Any]] = {
    "alpha": {"mode": "bid", "price": "5.00", "currency": "USD"},
    "beta": {"mode": "bid", "price": "4.00", "currency": "USD"},
    "kzt": {"mode": "bid", "price": "2200", "currency": "KZT"},
    "slow": {"mode": "bid", "price": "9.00", "delay_ms": 400},
    "hang": {"mode": "hang"},
    "bad": {"mode": "malformed"},
    "nobid": {"mode": "no_content"},
    "empty": {"mode": "empty_object"},
    "noseat": {"mode": "empty_seatbid"},
    "nbr": {"mode": "nbr"},
    "oops": {"mode": "http_500"},
}


@pytest.fixture(scope="module")
def dsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One test DSP process serving every behaviour above."""
    with running_dsp(BEHAVIOURS, tmp_path_factory.mktemp("dsp")) as base:
        yield base


def _spec(base: str, code: str, **overrides: Any) -> BidderSpec:
    fields: dict[str, Any] = {
        "code": code,
        "name": code,
        "endpoint": f"{base}/{code}/bid",
        "channels": ["dooh"],
        "media_types": ["banner", "video"],
        "currency": BEHAVIOURS[code].get("currency", "USD"),
        "timeout_ms": 250,
        "qps": 10_000,
    }
    return BidderSpec.model_validate(fields | overrides)


def _log(base: str, name: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{base}/_log/{name}").json()
    return body


async def _run(
    base: str,
    codes: list[str],
    *,
    tmax: int = 300,
    rounds: int = 1,
    response_buffer_ms: int = 10,
    **spec_overrides: Any,
) -> tuple[list[Any], NoticeSender]:
    settings = ExchangeSettings(
        tmax_ms=tmax, notice_backoff_ms=10, response_buffer_ms=response_buffer_ms
    )
    client = make_client(settings)
    notices = NoticeSender(client, attempts=2, backoff_ms=10)
    bidders = {code: _spec(base, code, **spec_overrides) for code in codes}
    exchange = Exchange(bidders, settings, client, notices)
    results = []
    try:
        for index in range(rounds):
            slot = Slot(
                screen=screen(floor_cpm=Decimal("1000"), daypart_floors=()),
                plays_at=_in_open_hours(),
                auction_id=f"auction-{time.time_ns()}-{index}",
            )
            results.append(await exchange.auction(slot, RATES, now=NOW))
        await asyncio.wait_for(notices.drain(), 5)
    finally:
        await notices.close()
        await client.aclose()
    return results, notices


def _in_open_hours() -> Any:
    from tests.exchange.samples import PLAYS_AT

    return PLAYS_AT


def test_bidders_are_offered_valid_requests_and_the_best_bid_wins(dsp: str) -> None:
    httpx.delete(f"{dsp}/_log")
    [auction], notices = asyncio.run(_run(dsp, ["alpha", "beta", "kzt"]))
    statuses = {o.bidder: o.status for o in auction.outcomes}
    assert statuses == {"alpha": "bids", "beta": "bids", "kzt": "bids"}
    win = auction.result.win
    assert win is not None
    assert win.bid.bidder == "alpha"
    # Second price: the runner-up is kzt's 2 200 ₸ (= 4.40 USD, above beta's 4.00), plus 0.01.
    assert str(win.price) == "4.41"
    for name in ("alpha", "beta", "kzt"):
        [received] = _log(dsp, name)["requests"]
        received.pop("_headers")
        assert schema_errors(received) == []
        assert dooh_errors(received) == []
        assert received["tmax"] == 250 - 20  # its budget minus the network buffer
    assert _log(dsp, "kzt")["requests"][0]["cur"] == ["KZT"]
    win_notices = _log(dsp, "alpha")["notices"]
    assert [(n["kind"], n["price"], n["cur"], n["loss"]) for n in win_notices] == [
        ("n", "4.41", "USD", "0")
    ]
    [beta_loss] = _log(dsp, "beta")["notices"]
    assert (beta_loss["kind"], beta_loss["loss"], beta_loss["min"]) == ("l", "102", "4.42")
    assert notices.stats.delivered == 3


def test_no_bid_answers_are_no_bids_and_errors_are_errors(dsp: str) -> None:
    [auction], _ = asyncio.run(_run(dsp, ["nobid", "empty", "noseat", "nbr", "bad", "oops"]))
    statuses = {o.bidder: o.status for o in auction.outcomes}
    assert statuses == {
        "nobid": "no_bid",
        "empty": "no_bid",
        "noseat": "no_bid",
        "nbr": "no_bid",
        "bad": "error",
        "oops": "error",
    }
    assert {o.bidder: o.result.nbr for o in auction.outcomes}["nbr"] == 2
    assert auction.result.win is None


def test_a_hanging_bidder_never_makes_the_answer_late(dsp: str) -> None:
    tmax = 200
    # The response buffer is the time kept for clearing and answering after the last bidder is
    # cut off; 60 ms covers a CI machine running other test processes on the same 2 cores.
    # Thousands of earlier tests leave a large heap in this process; a full garbage collection
    # of it once stalled the loop for ~1.1 s (one answer at 1,268 ms in a full run, never in
    # isolation). Freeze what exists, as a serving process does after start-up, so the check
    # measures the exchange's time budgeting rather than the test run's heap.
    gc.collect()
    gc.freeze()
    try:
        results, _ = asyncio.run(
            _run(
                dsp, ["alpha", "hang", "beta", "slow"], tmax=tmax, rounds=20, response_buffer_ms=60
            )
        )
    finally:
        gc.unfreeze()
    elapsed = [auction.elapsed_ms for auction in results]
    assert max(elapsed) <= tmax, elapsed
    for auction in results:
        statuses = {o.bidder: o.status for o in auction.outcomes}
        assert statuses["hang"] == "timeout"
        assert statuses["slow"] == "timeout"
        assert auction.result.win is not None
        assert auction.result.win.bid.bidder == "alpha"


def test_gzip_bodies_reach_the_bidder(dsp: str) -> None:
    httpx.delete(f"{dsp}/_log")
    [auction], _ = asyncio.run(_run(dsp, ["alpha"], gzip=True))
    assert auction.result.win is not None
    [received] = _log(dsp, "alpha")["requests"]
    assert received["_headers"]["content-encoding"] == "gzip"


def test_qps_cap_throttles_a_bidder(dsp: str) -> None:
    results, _ = asyncio.run(_run(dsp, ["alpha"], rounds=4, qps=2))
    statuses = [auction.outcomes[0].status for auction in results]
    assert statuses[:2] == ["bids", "bids"]
    assert "throttled" in statuses[2:]


def test_bidder_budget_is_tmax_minus_elapsed_and_buffers() -> None:
    settings = ExchangeSettings(tmax_ms=300, network_buffer_ms=20, response_buffer_ms=10)
    spec = BidderSpec.model_validate(
        {
            "code": "a",
            "name": "a",
            "endpoint": "http://x.example/b",
            "channels": ["dooh"],
            "media_types": ["banner"],
            "timeout_ms": 1000,
        }
    )
    assert bidder_timeout_ms(spec, 300, 0, settings) == 270
    assert bidder_timeout_ms(spec, 300, 100.5, settings) == 169
    assert bidder_timeout_ms(spec.model_copy(update={"timeout_ms": 50}), 300, 0, settings) == 50


def test_token_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = QpsLimiter(clock=lambda: now[0])
    assert [limiter.allow("a", 2) for _ in range(3)] == [True, True, False]
    now[0] = 0.5
    assert limiter.allow("a", 2) is True
    assert limiter.allow("a", 2) is False


def test_deal_bids_reach_the_auction_through_the_core(dsp: str, tmp_path: Path) -> None:
    httpx.put(
        f"{dsp}/_config/beta",
        content=json.dumps({"mode": "bid", "price": "4.50", "deal": "*", "currency": "USD"}),
    )
    try:
        settings = ExchangeSettings(tmax_ms=300)

        async def go() -> Any:
            client = make_client(settings)
            notices = NoticeSender(client)
            bidders = {code: _spec(dsp, code) for code in ("alpha", "beta")}
            exchange = Exchange(bidders, settings, client, notices)
            from tests.exchange.samples import PLAYS_AT

            slot = Slot(
                screen=screen(deals=(deal(bidders=frozenset({"beta"})),), daypart_floors=()),
                plays_at=PLAYS_AT,
                auction_id="deal-auction",
            )
            try:
                return await exchange.auction(slot, RATES, now=NOW)
            finally:
                await notices.close()
                await client.aclose()

        auction = asyncio.run(go())
        win = auction.result.win
        # The preferred deal (2 000 ₸ = 4.00 USD fixed price) beats alpha's higher open bid.
        assert win is not None
        assert (win.bid.bidder, win.deal is not None) == ("beta", True)
        assert str(win.price) == "4.00"
    finally:
        httpx.put(f"{dsp}/_config/beta", content=json.dumps(BEHAVIOURS["beta"]))


def test_late_bidders_leave_no_connection_behind(dsp: str) -> None:
    """Calls past their deadline end by their own timeout; the pool keeps nothing assigned.

    Cancelling an httpx call mid-response left its connection assigned in httpcore's pool for
    good; enough of them filled the pool and stalled every later call (benchmarks/exchange.py).
    Answers that arrive right at the deadline are the ones that were cut mid-response.
    """
    settings = ExchangeSettings(tmax_ms=150, notice_backoff_ms=10)
    edge = {"mode": "bid", "price": "4.00", "currency": "USD"}

    async def go() -> tuple[int, int, int]:
        client = make_client(settings)
        notices = NoticeSender(client, attempts=1)
        bidders = {code: _spec(dsp, code) for code in ("alpha", "beta", "hang")}
        exchange = Exchange(bidders, settings, client, notices)
        gate = asyncio.Semaphore(6)

        async def one(index: int) -> None:
            async with gate:
                slot = Slot(
                    screen=screen(floor_cpm=Decimal("1000"), daypart_floors=()),
                    plays_at=_in_open_hours(),
                    auction_id=f"late-{time.time_ns()}-{index}",
                )
                await exchange.auction(slot, RATES, now=NOW)

        try:
            await asyncio.gather(*(one(index) for index in range(60)))
            for _ in range(150):  # the late calls end within their own timeout (~0.1 s)
                if not exchange._stragglers and not any(exchange._in_flight.values()):
                    break
                await asyncio.sleep(0.02)
            await asyncio.wait_for(notices.drain(), 5)
            pool = client._transport._pool  # type: ignore[attr-defined]
            busy = sum(1 for connection in pool.connections if not connection.is_idle())
            return len(pool._requests), busy, sum(exchange._in_flight.values())
        finally:
            await notices.close()
            await client.aclose()

    for delay in (112, 118, 124):  # around beta's 120 ms budget
        httpx.put(f"{dsp}/_config/beta", content=json.dumps(edge | {"delay_ms": delay}))
        try:
            assert asyncio.run(go()) == (0, 0, 0), delay
        finally:
            httpx.put(f"{dsp}/_config/beta", content=json.dumps(BEHAVIOURS["beta"]))


def test_a_stall_while_requests_are_built_does_not_move_the_deadline(
    dsp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deadlines are instants fixed at the auction's start, not when each call is sent.

    The hanging bidder's request takes 80 ms to build (a GC pause, a busy CPU); its deadline
    must not start counting only after that, or the answer comes ~80 ms past tmax.
    """
    real = adapters.adapter_for

    class Stalling:
        def __init__(self, spec: BidderSpec) -> None:
            self.inner = real(spec)

        def make_requests(self, request: Any, spec: BidderSpec) -> Any:
            if spec.code == "hang":
                time.sleep(0.08)  # blocks the event loop, as a stall does
            return self.inner.make_requests(request, spec)

        def make_bids(self, *args: Any) -> Any:
            return self.inner.make_bids(*args)

    monkeypatch.setattr(core, "adapter_for", Stalling)
    [auction], _ = asyncio.run(_run(dsp, ["hang", "alpha"], tmax=200))
    statuses = {outcome.bidder: outcome.status for outcome in auction.outcomes}
    assert statuses == {"hang": "timeout", "alpha": "bids"}
    assert auction.elapsed_ms <= 200
