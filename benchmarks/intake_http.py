"""Durable intake over HTTP on loopback: a real uvicorn server, a separate load process.

Creates a fresh SQLite database with one network key (the `events` scope) and an empty event
log directory, starts `uvicorn jarnama.app:create_app --factory` as its own process, and
drives it from a second process: an asyncio HTTP/1.1 keep-alive client with N concurrent
connections, each posting a batch of B events (purchases with two lines, by default) and
waiting for the answer, which arrives only once the batch is fsync'd (a closed loop). Every
event id is new, so every event is decoded, validated, deduplicated, encoded and made durable.
Every run is bounded by a batch count and a time limit, talks only to 127.0.0.1 and stops by
itself; the server is stopped at the end.

Prints one row per (workers, connections): events/s, batch latency p50/p99/max as the client
saw it, errors, the server's and the client's CPU per 1,000 events and the load average.

    .venv/bin/python -m benchmarks.intake_http [--workers 1] [--connections 2 4 8]
        [--batch 1000] [--batches 300] [--seconds 30] [--route batch|purchases] [--mix]

`--mix` sends every kind (impressions with a token, clicks, add-to-carts, purchases, plays,
conversions) to the `batch` route instead of purchases only. `--kafka-mock` makes the log a
Kafka topic on librdkafka's mock cluster inside each server process (the producer path at
acks=all; not a real broker's network or disks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.decisions_http import HOST, free_port, machine, start_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
KEY = "jk_benchintake_0123456789abcdefghijklmnop"
SECRET = "intake-benchmark-secret"
WARMUP = 20
ROUTES = {"batch": "/api/v1/events/batch", "purchases": "/api/v1/events/purchases"}


def prepare_database(url: str) -> None:
    """A migrated database with the network and the benchmark's events key."""
    from jarnama.core.db import make_engine, make_sessionmaker
    from jarnama.core.migrate import upgrade
    from jarnama.tenancy import service as tenancy
    from jarnama.tenancy.models import Role, Scope

    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session, session.begin():
        tenancy.ensure_network(session, "Benchmark network")
        tenancy.create_api_key(
            session,
            "bench",
            name="pos",
            role=Role.NETWORK_ADMIN,
            account_id=None,
            scopes=(Scope.EVENTS,),
            plaintext=KEY,
        )
    engine.dispose()


def _purchase(ident: str, n: int, with_kind: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ident,
        "at": "2026-03-01T10:00:00+05:00",
        "order_id": f"o-{ident}",
        "channel": "store",
        "store_code": "ALA-01",
        "user_id": f"loyalty-{n % 50_000}",
        "lines": [
            {"sku": f"487{n % 20_000:010d}", "quantity": 1 + n % 3, "unit_price_tiyn": 89_900},
            {"sku": f"487{(n * 7) % 20_000:010d}", "quantity": 1, "unit_price_tiyn": 45_000},
        ],
    }
    if with_kind:
        body["kind"] = "purchase"
    return body


def _mixed(ident: str, n: int, token: str) -> dict[str, Any]:
    at = "2026-03-01T10:00:00+05:00"
    kind = n % 10
    if kind < 5:
        return {"kind": "impression", "id": ident, "at": at, "token": token,
                "visible_percent": 80, "visible_ms": 1500, "user_agent": "Mozilla/5.0"}  # fmt: skip
    if kind == 5:
        return {"kind": "click", "id": ident, "at": at, "token": token}
    if kind == 6:
        return {"kind": "add_to_cart", "id": ident, "at": at, "sku": "4870000000011",
                "user_id": f"loyalty-{n % 50_000}"}  # fmt: skip
    if kind == 7:
        return {"kind": "play", "id": ident, "at": at, "screen_id": "ALA-01-S1",
                "creative_id": 7, "duration_ms": 15_000, "audience_multiplier": 12.5}  # fmt: skip
    if kind == 8:
        return {"kind": "conversion", "id": ident, "at": at, "offer_id": 3, "creator_id": 2,
                "order_id": f"o-{ident}", "amount_tiyn": 1_500_000}  # fmt: skip
    return _purchase(ident, n, with_kind=True)


def _token() -> str:
    """A resolved bid id signed with the benchmark server's key (valid for a day)."""
    from pydantic import SecretStr

    from jarnama.config import Settings
    from jarnama.core.time import utcnow
    from jarnama.decisioning.schemas import BillingModel
    from jarnama.decisioning.tokens import BidClaims, BidSigner

    settings = Settings(_env_file=None, auth={"secret_key": SecretStr(SECRET)})
    signer = BidSigner.from_settings(settings)
    claims = BidClaims(
        bid_id="bench-bid-1",
        campaign_id=1,
        ad_group_id=1,
        account_id=1,
        placement_id=1,
        product_id=1,
        creative_id=None,
        price_tiyn=5_000,
        billing=BillingModel.CPC,
        user_id=None,
        landing_url=None,
        issued_at=int(utcnow().timestamp()),
        expires_at=int(utcnow().timestamp()) + 86_400,
    )
    return signer.sign(claims)


def bodies(route: str, batch: int, count: int, mix: bool) -> list[bytes]:
    """`count` batch bodies of `batch` events each; every event id is unique."""
    token = _token() if mix else ""
    made = []
    for b in range(count):
        events = [
            _mixed(f"e{b}-{i}", b * batch + i, token)
            if mix
            else _purchase(f"e{b}-{i}", b * batch + i, with_kind=route == "batch")
            for i in range(batch)
        ]
        key = "events" if route == "batch" else "purchases"
        made.append(json.dumps({key: events}, separators=(",", ":")).encode())
    return made


# --- the load process --------------------------------------------------------------------


async def _connection(
    port: int, path: str, payloads: list[bytes], budget: dict[str, Any], latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
    ).encode()
    try:
        while budget["next"] < len(payloads) and time.perf_counter() < budget["deadline"]:
            body = payloads[budget["next"]]
            budget["next"] += 1
            started = time.perf_counter()
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            status_line = await reader.readuntil(b"\r\n")
            headers = await reader.readuntil(b"\r\n\r\n")
            match = re.search(rb"(?i)content-length:\s*(\d+)", headers)
            answer = await reader.readexactly(int(match.group(1)) if match else 0)
            elapsed = time.perf_counter() - started
            if status_line.split()[1] != b"200" or b'"rejected":0' not in answer:
                budget["errors"] += 1
                if budget["errors"] <= 3:
                    budget["samples"].append(status_line.decode() + answer[:300].decode())
                continue
            if budget["recording"]:
                latencies.append(elapsed)
    finally:
        writer.close()


async def _drive(
    port: int, path: str, payloads: list[bytes], connections: int, seconds: float
) -> dict[str, Any]:
    warm: dict[str, Any] = {"next": 0, "deadline": time.perf_counter() + 60, "errors": 0,
                            "recording": False, "samples": []}  # fmt: skip
    await asyncio.gather(
        *(_connection(port, path, payloads[:WARMUP], warm, []) for _ in range(connections))
    )
    budget: dict[str, Any] = {"next": 0, "deadline": time.perf_counter() + seconds, "errors": 0,
                              "recording": True, "samples": []}  # fmt: skip
    latencies: list[float] = []
    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, path, payloads[WARMUP:], budget, latencies) for _ in range(connections))
    )
    return {
        "wall": time.perf_counter() - started,
        "client_cpu": time.process_time() - cpu,
        "latencies": latencies,
        "errors": budget["errors"] + warm["errors"],
        "samples": budget["samples"] + warm["samples"],
    }


def load_main(args: argparse.Namespace) -> None:
    """The load process: build the bodies, drive the server, print the results as JSON."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    payloads = bodies(args.route, args.batch, args.batches + WARMUP, args.mix)
    path = ROUTES[args.route]
    result = asyncio.run(_drive(args.port, path, payloads, args.connections[0], args.seconds))
    sys.stdout.write(json.dumps(result))


def main() -> None:
    """Start the server, then measure each concurrency."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--connections", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--batch", type=int, default=1000, help="events per request")
    parser.add_argument("--batches", type=int, default=300, help="requests per run")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per run")
    parser.add_argument("--route", choices=sorted(ROUTES), default="batch")
    parser.add_argument("--mix", action="store_true", help="every kind, not purchases only")
    parser.add_argument(
        "--kafka-mock",
        action="store_true",
        help="the Kafka log on librdkafka's mock cluster (3 brokers inside each server process)",
    )
    parser.add_argument("--uvicorn", default="--no-access-log --http httptools --loop uvloop")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.load_only:
        load_main(args)
        return
    if not 1 <= args.batch <= 10_000 or not 1 <= args.batches <= 100_000:
        parser.error("--batch must be 1..10,000 and --batches 1..100,000")
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in 0..600")
    if args.mix and args.route != "batch":
        parser.error("--mix needs --route batch")
    print(f"machine: {machine()}")
    one, five, _ = os.getloadavg()
    print(f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores")
    kinds = "every kind" if args.mix else "purchases of 2 lines"
    backend = "Kafka (mock cluster, acks=all)" if args.kafka_mock else "disk segments (fsync)"
    print(
        f"log: {backend}; route {ROUTES[args.route]}, {args.batch} events a request ({kinds}), "
        f"{args.batches} requests a run; uvicorn {args.uvicorn}"
    )
    print(
        "| workers | connections | events | events/s | p50 ms/batch | p99 ms/batch | max ms "
        "| errors | server CPU ms/1k events | client CPU ms/1k events | load avg |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workers in args.workers:
        for connections in args.connections:
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/bench.db"
                prepare_database(url)
                os.environ["JARNAMA_AUTH__SECRET_KEY"] = SECRET
                if args.kafka_mock:
                    os.environ["JARNAMA_EVENTS__BACKEND"] = "kafka"
                    os.environ["JARNAMA_EVENTS__KAFKA_CONFIG"] = '{"test.mock.num.brokers": "3"}'
                server = start_server(url, workers, args.uvicorn.split(), Path(tmp) / "events")
                try:
                    cpu = server.cpu_seconds()
                    command = [
                        sys.executable, "-m", "benchmarks.intake_http", "--load-only",
                        "--port", str(server.port), "--connections", str(connections),
                        "--batch", str(args.batch), "--batches", str(args.batches),
                        "--seconds", str(args.seconds), "--route", args.route,
                        *(["--mix"] if args.mix else []),
                    ]  # fmt: skip
                    done = subprocess.run(
                        command, cwd=ROOT, capture_output=True, text=True,
                        timeout=args.seconds + 180, check=False,
                    )  # fmt: skip
                    if done.returncode != 0:
                        print("server log:", *server.log[-30:], sep="\n  ")
                        raise RuntimeError(f"the load process failed:\n{done.stderr[-3000:]}")
                    result = json.loads(done.stdout)
                    server_cpu = server.cpu_seconds() - cpu
                finally:
                    server.stop()
                report(workers, connections, args.batch, result, server_cpu)


def report(
    workers: int, connections: int, batch: int, result: dict[str, Any], server_cpu: float
) -> None:
    """One table row."""
    ordered = sorted(result["latencies"])
    if not ordered:
        print(f"| {workers} | {connections} | 0 | — | — | — | — | {result['errors']} |")
        print("  first errors:", *result["samples"], sep="\n  ")
        return
    events = len(ordered) * batch

    def ms(share: float) -> float:
        value: float = ordered[min(len(ordered) - 1, int(share * len(ordered)))]
        return 1000 * value

    print(
        f"| {workers} | {connections} | {events:,} | {events / result['wall']:,.0f} "
        f"| {ms(0.5):.1f} | {ms(0.99):.1f} | {1000 * ordered[-1]:.1f} | {result['errors']} "
        f"| {1e6 * server_cpu / (events + WARMUP * batch):.1f} "
        f"| {1e6 * result['client_cpu'] / events:.1f} | {os.getloadavg()[0]:.1f} |",
        flush=True,
    )
    if result["samples"]:
        print("  first errors:", *result["samples"], sep="\n  ")


if __name__ == "__main__":
    main()
