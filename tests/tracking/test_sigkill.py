"""Kill the real server with SIGKILL in the middle of a purchase stream, restart, retry.

Both batch routes: `/events/purchases` and `/events/batch` (every kind; purchases here).

Every acknowledged purchase is in the log after the restart, and no purchase is there twice
(the client retries everything it sent, acknowledged or not, as a real POS would).
Loopback only, bounded to a few seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from jarnama.tenancy import service as tenancy
from jarnama.tenancy.models import Role, Scope
from jarnama.tracking import events as ev
from jarnama.tracking.log import read_log

from .helpers import purchase_json

ROOT = Path(__file__).resolve().parents[2]
BATCH = 25
SENDERS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "jarnama", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # A bound, not a speed check: a loaded 2-core machine took ~30 s to import and start the app.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise AssertionError("the server did not start within 120 s")


def _body(route: str, ids: list[str]) -> dict[str, Any]:
    if route == "purchases":
        return {"purchases": [purchase_json(i) for i in ids]}
    return {"events": [{"kind": "purchase", **purchase_json(i)} for i in ids]}


@pytest.mark.slow
@pytest.mark.parametrize("route", ["purchases", "batch"])
def test_every_acknowledged_event_survives_sigkill_and_none_is_there_twice(
    tmp_path: Path, route: str
) -> None:
    db_url = f"sqlite:///{tmp_path}/jarnama.db"
    engine = make_engine(db_url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session, session.begin():
        tenancy.ensure_network(session, "Test network")
        _key, token = tenancy.create_api_key(
            session,
            "test",
            name="pos",
            role=Role.NETWORK_ADMIN,
            account_id=None,
            scopes=(Scope.EVENTS,),
        )
    engine.dispose()
    log_dir = tmp_path / "events"
    env = {
        **os.environ,
        "JARNAMA_DATABASE__URL": db_url,
        "JARNAMA_EVENTS__LOG_DIR": str(log_dir),
        "JARNAMA_AUTH__SECRET_KEY": "sigkill-test",
        "JARNAMA_LOG_LEVEL": "ERROR",
    }
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api/v1/events/{route}"
    headers = {"Authorization": f"Bearer {token}"}
    acked: set[str] = set()
    sent: list[list[str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def sender(n: int) -> None:
        with httpx.Client(timeout=5) as client:
            for b in range(10_000):
                if stop.is_set():
                    return
                ids = [f"s{n}-b{b}-{i}" for i in range(BATCH)]
                with lock:
                    sent.append(ids)
                try:
                    response = client.post(url, json=_body(route, ids), headers=headers)
                except httpx.TransportError:
                    return  # the server died under this request: its fate is unknown
                if response.status_code == 200 and response.json()["accepted"] == BATCH:
                    with lock:
                        acked.update(ids)

    server = _start(env, port)
    try:
        threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acked) < 12 * BATCH and time.monotonic() < deadline:
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)  # mid-stream: senders are still posting
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert len(acked) >= 12 * BATCH
    in_flight = sum(len(ids) for ids in sent) - len(acked)
    assert in_flight > 0, "the kill should land while requests are in flight"

    server = _start(env, port)
    try:
        # The client retries every batch it sent: acknowledged ones come back as duplicates.
        with httpx.Client(timeout=10) as client:
            for ids in sent:
                response = client.post(url, json=_body(route, ids), headers=headers)
                assert response.status_code == 200
                result = response.json()
                assert result["accepted"] + result["duplicates"] == BATCH
                if set(ids) <= acked:
                    assert result["duplicates"] == BATCH
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    counts = Counter(ev.decode(r.payload).id for r in read_log(log_dir))
    assert acked <= set(counts)
    assert max(counts.values()) == 1
    assert set(counts) == {i for ids in sent for i in ids}
