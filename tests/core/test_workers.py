"""`jarnama serve --workers N`: a listening socket per worker (SO_REUSEPORT), supervised.

Real processes on loopback: connections are spread over the workers, a killed worker is
replaced, SIGTERM stops everything, a taken address fails at once and an app that cannot
start stops the supervisor instead of restarting it forever.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from jarnama.core.workers import Supervisor, bind_reuse_port, reuse_port_supported

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> int:
    wanted = f"0100007F:{port:04X}"
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[1] == wanted and line.split()[3] == "0A")


def _wait_listening(port: int, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while _listening(port) < count:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"{_listening(port)} of {count} listening"
        time.sleep(0.1)


def _pid_over_new_connection(port: int) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", "/")
        return int(connection.getresponse().read())
    finally:
        connection.close()


def _supervise(app: str, port: int, workers: int) -> subprocess.Popen[str]:
    code = (
        "import sys; from jarnama.core.workers import Supervisor; "
        f"sys.exit(Supervisor({app!r}, {HOST!r}, {port}, {workers}, "
        "options={'factory': True, 'log_config': None}).run())"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_connections_spread_over_the_workers_and_a_killed_worker_is_replaced() -> None:
    port = _free_port()
    supervisor = _supervise("tests.core.pid_app:create_app", port, 2)
    try:
        _wait_listening(port, 2, supervisor)
        served = Counter(_pid_over_new_connection(port) for _ in range(60))
        # Each new connection lands on one of two sockets by a hash: both get a fair share
        # (fewer than 10 of 60 on one side has probability ~1e-7).
        assert len(served) == 2, served
        assert min(served.values()) >= 10, served

        victim = next(iter(served))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            seen = set()
            for _ in range(30):
                try:
                    seen.add(_pid_over_new_connection(port))
                except ConnectionError:  # queued on the killed worker's socket: reset
                    continue
            if victim not in seen and len(seen) == 2:
                break  # a new worker took the dead one's place
            assert time.monotonic() < deadline, seen
            time.sleep(0.5)
        workers = seen
    finally:
        supervisor.send_signal(signal.SIGTERM)
        _, err = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 0, err
    for pid in workers:  # every worker stopped with the supervisor
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert _listening(port) == 0


@pytest.mark.slow
def test_an_app_that_cannot_start_stops_the_supervisor() -> None:
    supervisor = _supervise("tests.core.no_such_module:create_app", _free_port(), 2)
    _, err = supervisor.communicate(timeout=120)
    assert supervisor.returncode == 1
    assert "workers keep failing at startup" in err


def test_an_address_held_without_reuse_port_fails_at_once() -> None:
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(OSError, match="Address already in use"):
            Supervisor("tests.core.pid_app:create_app", HOST, port, 2).run()


def test_reuse_port_sockets_share_an_address() -> None:
    assert reuse_port_supported()  # Linux, as on CI: `jarnama serve` uses the supervisor
    port = _free_port()
    first = bind_reuse_port(HOST, port)
    second = bind_reuse_port(HOST, port)
    try:
        first.listen()
        second.listen()
        assert _listening(port) == 2
    finally:
        first.close()
        second.close()


@pytest.mark.slow
def test_jarnama_serve_with_two_workers_serves_the_app_from_both(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "JARNAMA_DATABASE__URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "JARNAMA_EVENTS__LOG_DIR": str(tmp_path / "events"),
        "JARNAMA_LOG_LEVEL": "WARNING",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "jarnama", "db", "upgrade"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "jarnama", "serve", "--host", HOST, "--port", str(port),
         "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_listening(port, 2, server)  # two sockets: one per worker, not one shared
        for _ in range(10):
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            assert response.status == 200
            assert b'"ok"' in response.read()
            connection.close()
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
