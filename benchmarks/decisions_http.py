"""`POST /api/v1/decisions` over HTTP on loopback: a real uvicorn server, a separate load process.

Builds the demo-sized network into a temporary SQLite file (the demo seed: 20,000 products and
the suppliers' running campaigns, plus synthetic sponsored-listing ad groups up to 2,400 active
ones), starts `uvicorn jarnama.app:create_app --factory` as its own process (1 and 2 workers),
and drives it from a second process: an asyncio HTTP/1.1 keep-alive client with N concurrent
connections, each sending a 500-candidate decision request and waiting for the answer (a closed
loop). Every run is bounded by a request count and a time limit, talks only to 127.0.0.1 and
stops by itself; the server is stopped at the end.

Prints one row per (workers, connections): decisions/s, latency p50/p90/p99/max as the client
saw it (request written → whole response read), errors, the server's and the client's CPU
seconds per decision and the load average, with the machine.

    .venv/bin/python benchmarks/decisions_http.py [--workers 1 2] [--connections 1 4 8 16]
        [--requests 4000] [--seconds 30] [--db FILE] [--uvicorn "--no-access-log ..."]
        [--rate 1500 2000]

`--rate R` offers R decisions/s on a schedule instead (an open loop over a pool of the given
connections): a request is due at its time whatever happened before and its latency counts
from then, so the p99 is the one a storefront sending R/s would see. The worker CPU split
column shows how the kernel spread the connections over the workers.

The load process alone (against a server you started): `--load-only --port P --key K
--bodies FILE`. wrk is not needed (nor used); the client is pure Python with uvloop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "jk_benchhttp_0123456789abcdefghijklmnop"
AD_GROUPS = 2_400
PER_CAMPAIGN = 10
PRODUCTS_PER_GROUP = 10
CANDIDATES = 500
PROMOTED = 100
BODIES = 256
WARMUP = 200
HOST = "127.0.0.1"  # loopback only


# --- the network -------------------------------------------------------------------------


def build_network(url: str) -> tuple[list[str], list[str], int]:
    """Seed the demo and synthetic ad groups; (all SKUs, promoted SKUs, active ad groups)."""
    from pydantic import SecretStr
    from sqlalchemy import func, select

    from jarnama.campaigns.models import (
        AdGroup,
        AdGroupKind,
        AdGroupProduct,
        AdGroupStatus,
        Campaign,
        CampaignStatus,
        PacingMode,
    )
    from jarnama.catalog.models import Brand, Product
    from jarnama.config import Settings
    from jarnama.core.db import make_engine, make_sessionmaker
    from jarnama.core.migrate import upgrade
    from jarnama.core.time import utcnow
    from jarnama.demo.seed import seed_demo

    rng = random.Random(7)
    settings = Settings(_env_file=None, database={"url": url}, demo_admin_key=SecretStr(ADMIN_KEY))
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        seed_demo(session, settings)
        active = select(func.count()).select_from(AdGroup)
        existing = session.scalar(active.where(AdGroup.status == AdGroupStatus.ACTIVE)) or 0
        products = session.execute(
            select(Product.id, Product.sku, Product.name_ru, Brand.owner_account_id)
            .join(Brand, Brand.id == Product.brand_id)
            .where(Product.active.is_(True), Product.stock_total > 0)
        ).all()
        by_owner: dict[int, list[Any]] = {}
        for product in products:
            if product.owner_account_id is not None:
                by_owner.setdefault(product.owner_account_id, []).append(product)
        owners = [owner for owner, owned in by_owner.items() if len(owned) >= PRODUCTS_PER_GROUP]
        now = utcnow()
        campaign: Campaign | None = None
        promoted: set[str] = set()
        for index in range(max(0, AD_GROUPS - existing)):
            if index % PER_CAMPAIGN == 0:
                campaign = Campaign(
                    account_id=rng.choice(owners),
                    name=f"bench {index}",
                    daily_budget_tiyn=50_000_000,
                    total_budget_tiyn=1_000_000_000,
                    starts_at=now.replace(year=now.year - 1),
                    status=CampaignStatus.ACTIVE,
                    pacing=PacingMode.ASAP,
                )
                session.add(campaign)
                session.flush()
            assert campaign is not None
            picks = rng.sample(by_owner[campaign.account_id], PRODUCTS_PER_GROUP)
            words = [w for w in picks[0].name_ru.lower().split() if len(w) > 3][:2]
            group = AdGroup(
                campaign_id=campaign.id,
                account_id=campaign.account_id,
                name=f"group {index}",
                kind=AdGroupKind.SPONSORED_LISTING,
                bid_tiyn=rng.randint(5_000, 12_000),
                keywords=[{"text": w, "match": "broad"} for w in words],
                auto_targeting=index % 3 == 0,
            )
            session.add(group)
            session.flush()
            session.add_all(AdGroupProduct(ad_group_id=group.id, product_id=p.id) for p in picks)
            promoted.update(p.sku for p in picks)
        session.commit()
        total = session.scalar(active.where(AdGroup.status == AdGroupStatus.ACTIVE)) or 0
    engine.dispose()
    return [p.sku for p in products], sorted(promoted), total


def request_bodies(skus: list[str], promoted: list[str], count: int) -> list[bytes]:
    """Decision bodies: 500 candidate SKUs (100 promoted), the 4-slot search placement."""
    rng = random.Random(11)
    bodies = []
    for _ in range(count):
        candidates = rng.sample(promoted, PROMOTED) + rng.sample(skus, CANDIDATES - PROMOTED)
        rng.shuffle(candidates)
        body = {
            "placements": [{"placement": "search-results", "candidates": {"skus": candidates}}],
            "user_id": f"shopper-{rng.randint(1, 50_000)}",
            "context": {"city": "Алматы", "channel": "app"},
        }
        bodies.append(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    return bodies


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A uvicorn process tree serving the app on loopback."""

    process: subprocess.Popen[str]
    port: int
    workers: int
    log: list[str]

    def pids(self) -> list[int]:
        """The supervisor and its worker processes."""
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the supervisor and workers so far (Linux /proc)."""
        return sum(self.cpu_by_process().values())

    def cpu_by_process(self) -> dict[int, float]:
        """User + system CPU seconds so far per process (the supervisor and each worker)."""
        ticks = os.sysconf("SC_CLK_TCK")
        found: dict[int, float] = {}
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
        return found

    def worker_split(self, before: dict[int, float]) -> str:
        """Each worker's share of the workers' CPU since `before` ("52/48"): connections are
        spread over the workers by the kernel's accepts, and a few long-lived ones can land
        unevenly, which caps a closed loop at one busy worker."""
        after = self.cpu_by_process()
        used = [
            after[pid] - before.get(pid, 0.0)
            for pid in sorted(after)
            if pid != self.process.pid and not _is_helper(pid)
        ]
        if self.workers == 1 or len(used) < 2 or sum(used) <= 0:
            return "—"
        return "/".join(f"{100 * part / sum(used):.0f}" for part in used)

    def stop(self) -> None:
        """Stop uvicorn (SIGTERM to the supervisor, which stops its workers)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _is_helper(pid: int) -> bool:
    """Whether the process is multiprocessing's resource tracker (not a worker)."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def _listening(port: int) -> int:
    """How many sockets listen on 127.0.0.1:port (Linux /proc/net/tcp)."""
    wanted = f"0100007F:{port:04X}"
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[1] == wanted and line.split()[3] == "0A")


def start_server(
    url: str, workers: int, extra: list[str], events: Path, kind: str = "jarnama"
) -> Server:
    """Start the server; return once every worker finished its startup.

    `kind` "jarnama" runs `jarnama serve --workers N` (each worker listens on a socket of
    its own, SO_REUSEPORT; ready when N sockets listen); "uvicorn" runs `uvicorn --workers N`
    (one shared socket; ready when each worker logged its startup). `events` is the server's
    own event log directory (empty): ghost-ads records go there, and an intake opening a log
    grown by earlier runs reads all of it into its dedupe index, which would be measured as
    decision CPU.
    """
    port = free_port()
    env = {
        **os.environ,
        "JARNAMA_EVENTS__LOG_DIR": str(events),
        "JARNAMA_DATABASE__URL": url,
        "JARNAMA_LOG_LEVEL": "WARNING",
        "JARNAMA_PORT": str(port),
    }
    if kind == "jarnama":
        command = [
            sys.executable, "-m", "jarnama", "serve",
            "--host", HOST, "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "uvicorn", "jarnama.app:create_app", "--factory",
            "--host", HOST, "--port", str(port), "--workers", str(workers),
            "--log-level", "info", *extra,
        ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    log: list[str] = []
    started = threading.Semaphore(0)

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line.rstrip())
            # One worker binds its socket after its startup; a supervisor binds before forking.
            ready = "Uvicorn running on" if workers == 1 else "Application startup complete"
            if kind == "uvicorn" and ready in line:
                started.release()

    threading.Thread(target=pump, daemon=True).start()
    server = Server(process, port, workers, log)
    deadline = time.monotonic() + 120
    if kind == "jarnama":
        while _listening(port) < workers:
            if time.monotonic() > deadline or process.poll() is not None:
                server.stop()
                raise RuntimeError("jarnama serve did not start:\n" + "\n".join(log[-30:]))
            time.sleep(0.2)
        return server
    for _ in range(workers):
        if not started.acquire(timeout=max(0.1, deadline - time.monotonic())):
            server.stop()
            raise RuntimeError("uvicorn did not start:\n" + "\n".join(log[-30:]))
    return server


# --- the load process --------------------------------------------------------------------


def _head(port: int, key: str) -> bytes:
    """The request line and headers of a decision request, up to its Content-Length."""
    return (
        f"POST /api/v1/decisions HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
    ).encode()


async def _round_trip(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes
) -> tuple[bytes, bytes]:
    """Send one request on a keep-alive connection; its status line and payload."""
    writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    status_line = await reader.readuntil(b"\r\n")
    headers = await reader.readuntil(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length:\s*(\d+)", headers)
    payload = await reader.readexactly(int(match.group(1)) if match else 0)
    return status_line, payload


def _budget(requests: int, seconds: float, recording: bool) -> dict[str, Any]:
    return {
        "left": requests, "deadline": time.perf_counter() + seconds, "errors": 0,
        "recording": recording, "samples": [], "winners": [],
    }  # fmt: skip


def _result(
    started: float, cpu: float, latencies: list[float], run: dict[str, Any], warm: dict[str, Any]
) -> dict[str, Any]:
    return {
        "wall": time.perf_counter() - started,
        "client_cpu": time.process_time() - cpu,
        "latencies": latencies,
        "errors": run["errors"] + warm["errors"],
        "samples": run["samples"] + warm["samples"],
        "winners": run["winners"],
    }


async def _warm_up(port: int, key: str, bodies: list[bytes], connections: int) -> dict[str, Any]:
    warm = _budget(WARMUP, 60, recording=False)
    await asyncio.gather(
        *(_connection(port, key, bodies, i * 37, warm, []) for i in range(connections))
    )
    return warm


async def _connection(
    port: int,
    key: str,
    bodies: list[bytes],
    offset: int,
    budget: dict[str, Any],
    latencies: list[float],
) -> None:
    """One keep-alive connection sending requests back to back until the budget is spent."""
    reader, writer = await asyncio.open_connection(HOST, port)
    head = _head(port, key)
    index = offset
    try:
        while budget["left"] > 0 and time.perf_counter() < budget["deadline"]:
            budget["left"] -= 1
            body = bodies[index % len(bodies)]
            index += 1
            started = time.perf_counter()
            status_line, payload = await _round_trip(reader, writer, head, body)
            elapsed = time.perf_counter() - started
            if status_line.split()[1] != b"200":
                budget["errors"] += 1
                if budget["errors"] <= 3:
                    budget["samples"].append(status_line.decode() + payload[:300].decode())
                continue
            if budget["recording"]:
                latencies.append(elapsed)
                if len(latencies) % 97 == 0:  # parse a sample: did the decision fill slots?
                    placements = json.loads(payload)["placements"]
                    budget["winners"].append(len(placements[0]["winners"]))
    finally:
        writer.close()


async def _drive(
    port: int, key: str, bodies: list[bytes], connections: int, requests: int, seconds: float
) -> dict[str, Any]:
    """Warm up, then run `requests` decisions (or `seconds`) over `connections` connections."""
    warm = await _warm_up(port, key, bodies, connections)
    budget = _budget(requests, seconds, recording=True)
    latencies: list[float] = []
    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(port, key, bodies, WARMUP + i * 53, budget, latencies)
            for i in range(connections)
        )
    )
    return _result(started, cpu, latencies, budget, warm)


async def _open_loop(
    port: int,
    key: str,
    bodies: list[bytes],
    connections: int,
    rate: float,
    requests: int,
    seconds: float,
) -> dict[str, Any]:
    """Offer `rate` decisions/s on a schedule (an open loop) over a pool of connections.

    Request k is due at start + k / rate whatever happened before; it waits for a free
    connection if all are busy, and its latency counts from when it was due, so a server
    falling behind shows as latency (no coordinated omission), not as a lower offered rate.
    """
    warm = await _warm_up(port, key, bodies, connections)
    head = _head(port, key)
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(HOST, port))
    latencies: list[float] = []
    outcome = _budget(requests, seconds, recording=True)

    async def one(index: int, due: float) -> None:
        reader, writer = await pool.get()
        try:
            body = bodies[(WARMUP + index) % len(bodies)]
            status_line, payload = await _round_trip(reader, writer, head, body)
        finally:
            pool.put_nowait((reader, writer))
        latencies.append(time.perf_counter() - due)
        if status_line.split()[1] != b"200":
            outcome["errors"] += 1
            if outcome["errors"] <= 3:
                outcome["samples"].append(status_line.decode() + payload[:300].decode())
        elif index % 97 == 0:
            outcome["winners"].append(len(json.loads(payload)["placements"][0]["winners"]))

    cpu = time.process_time()
    started = time.perf_counter() + 0.01
    deadline = started + seconds
    tasks: list[asyncio.Task[None]] = []
    for index in range(requests):
        due = started + index / rate
        if due > deadline:
            break
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    result = _result(started, cpu, latencies, outcome, warm)
    while not pool.empty():
        pool.get_nowait()[1].close()
    return result


def load_main(args: argparse.Namespace) -> None:
    """The load process: read the bodies, drive the server, print the results as JSON."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # plain asyncio works too, a little slower
        pass
    bodies = Path(args.bodies).read_bytes().splitlines()
    if args.rate:
        driven = _open_loop(
            args.port, args.key, bodies, args.connections[0], args.rate[0], args.requests,
            args.seconds,
        )  # fmt: skip
    else:
        driven = _drive(
            args.port, args.key, bodies, args.connections[0], args.requests, args.seconds
        )
    result = asyncio.run(driven)
    sys.stdout.write(json.dumps(result))


def run_load(
    port: int,
    bodies: Path,
    connections: int,
    requests: int,
    seconds: float,
    rate: float | None = None,
) -> Any:
    """Run the load generator as its own process and return what it measured."""
    command = [
        sys.executable, str(Path(__file__).resolve()), "--load-only", "--port", str(port),
        "--key", ADMIN_KEY, "--bodies", str(bodies), "--connections", str(connections),
        "--requests", str(requests), "--seconds", str(seconds),
        *(["--rate", str(rate)] if rate else []),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load process failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


# --- the report --------------------------------------------------------------------------


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def machine() -> str:
    """CPU model, cores, Python and kernel."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def main() -> None:
    """Build the network, then measure each server shape under each concurrency."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--requests", type=int, default=4_000, help="per run (after warm-up)")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per run")
    parser.add_argument(
        "--server",
        choices=["jarnama", "uvicorn"],
        default="jarnama",
        help="`jarnama serve` (a socket per worker) or `uvicorn --workers` (one shared socket)",
    )
    parser.add_argument(
        "--uvicorn",
        default="--no-access-log",
        help="extra uvicorn options (one string; --server uvicorn)",
    )
    parser.add_argument(
        "--db", help="keep the built network in this SQLite file and reuse it when it exists"
    )
    parser.add_argument(
        "--rate",
        type=float,
        nargs="+",
        default=[],
        help="offer these decisions/s on a schedule (open loop) instead of the closed loop",
    )
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int)
    parser.add_argument("--key", default=ADMIN_KEY)
    parser.add_argument("--bodies")
    args = parser.parse_args()
    if args.load_only:
        load_main(args)
        return
    if not 1 <= args.requests <= 1_000_000 or not 0 < args.seconds <= 600:
        parser.error("--requests must be 1..1,000,000 and --seconds 0..600")

    with tempfile.TemporaryDirectory() as tmp:
        database = Path(args.db).resolve() if args.db else Path(tmp) / "bench.db"
        bodies_file = database.with_name(database.name + ".bodies.jsonl")
        url = f"sqlite:///{database}"
        started = time.perf_counter()
        if not (database.exists() and bodies_file.exists()):
            skus, promoted, groups = build_network(url)
            bodies_file.write_bytes(b"\n".join(request_bodies(skus, promoted, BODIES)))
            (database.with_name(database.name + ".json")).write_text(
                json.dumps({"products": len(skus), "ad_groups": groups})
            )
        built = json.loads(database.with_name(database.name + ".json").read_text())
        print(f"machine: {machine()}")
        one, five, _ = os.getloadavg()
        print(
            f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores: "
            "anything else running shares these cores with the server and the load process"
        )
        print(
            f"network: {built['products']:,} servable products, {built['ad_groups']:,} active "
            "ad groups; "
            f"{CANDIDATES} candidate SKUs ({PROMOTED} promoted) per request; built in "
            f"{time.perf_counter() - started:.1f} s; server: "
            + (
                "jarnama serve (a listening socket per worker)"
                if args.server == "jarnama"
                else f"uvicorn {args.uvicorn or '(defaults)'}"
            )
        )
        print(
            "| workers | connections | offered/s | decisions | decisions/s | p50 ms | p90 ms "
            "| p99 ms | max ms | errors | winners/req | server CPU ms/decision "
            "| client CPU ms/decision | worker CPU split % | load avg (1 min) |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for workers in args.workers:
            events = Path(tmp) / f"events-{workers}"
            server = start_server(url, workers, args.uvicorn.split(), events, args.server)
            try:
                runs: list[tuple[int, float | None]] = [(c, None) for c in args.connections]
                if args.rate:
                    runs = [(c, rate) for rate in args.rate for c in args.connections]
                for connections, rate in runs:
                    before = server.cpu_by_process()
                    try:
                        result = run_load(
                            server.port, bodies_file, connections, args.requests, args.seconds,
                            rate,
                        )  # fmt: skip
                    except RuntimeError:
                        print("server log:", *server.log[-30:], sep="\n  ")
                        raise
                    server_cpu = server.cpu_seconds() - sum(before.values())
                    split = server.worker_split(before)
                    report(workers, connections, result, server_cpu, rate, split)
                    if result["samples"]:
                        print("  first errors:", *result["samples"], sep="\n  ")
            finally:
                server.stop()


def report(
    workers: int,
    connections: int,
    result: dict[str, Any],
    server_cpu: float,
    rate: float | None = None,
    split: str = "—",
) -> None:
    """One table row (offered/s "closed": each connection sends its next on an answer)."""
    ordered = sorted(result["latencies"])
    count = len(ordered)
    offered = "closed" if rate is None else f"{rate:,.0f}"
    if not count:
        print(
            f"| {workers} | {connections} | {offered} | 0 | — | — | — | — | — "
            f"| {result['errors']} |"
        )
        return
    ms = [1000 * _percentile(ordered, q) for q in (0.5, 0.9, 0.99)]
    winners = result["winners"]
    print(
        f"| {workers} | {connections} | {offered} | {count:,} | {count / result['wall']:,.0f} "
        f"| {ms[0]:.2f} | {ms[1]:.2f} | {ms[2]:.2f} | {1000 * ordered[-1]:.1f} "
        f"| {result['errors']} | {sum(winners) / max(1, len(winners)):.2f} "
        f"| {1000 * server_cpu / (count + WARMUP):.2f} "
        f"| {1000 * result['client_cpu'] / count:.2f} | {split} "
        f"| {os.getloadavg()[0]:.1f} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
