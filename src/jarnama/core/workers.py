"""Several server processes on one port, each with a listening socket of its own.

uvicorn's `--workers N` binds one socket in the supervisor and shares it: every worker waits
on it and whichever the kernel wakes accepts. A storefront keeps a few long-lived keep-alive
connections, and those land very unevenly (benchmarks/decisions_http.py: 8 connections
split 96/4 between two workers, 16 split 91/5/4 over three), so one worker is saturated
while the others idle and latency climbs long before the machine is busy. Here each worker
binds its own socket to the same address with SO_REUSEPORT, and the kernel spreads new
connections over the listening sockets by a hash of the connection's addresses: each worker
gets its share, whichever is awake.

The supervisor starts the workers (spawned, so each builds its own app), restarts one that
dies, and stops them all on SIGINT / SIGTERM. A worker that dies takes the connections
waiting in its own socket's queue with it (they are reset; clients retry); new ones go to
the sockets still listening until its replacement listens. Where the platform has no load-balancing
SO_REUSEPORT (`reuse_port_supported`), the caller uses uvicorn's own workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

# A worker that dies within this many seconds of its start counts as failing to start.
EARLY_EXIT_SECONDS = 10.0
EARLY_EXITS_ALLOWED = 3


def reuse_port_supported() -> bool:
    """Whether this platform balances connections over SO_REUSEPORT sockets (Linux does)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind_reuse_port(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) with SO_REUSEPORT set, not listening yet."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    """One worker process: its own SO_REUSEPORT socket, one uvicorn server on it."""
    import uvicorn

    from jarnama.core.logging import configure_logging

    level, json_lines = options.pop("_logging")
    configure_logging(level, json_lines=json_lines)
    sock = bind_reuse_port(host, port)
    config = uvicorn.Config(app, host=host, port=port, **options)
    # uvicorn listens on the socket once the app's startup has completed.
    uvicorn.Server(config).run(sockets=[sock])


@dataclass
class Supervisor:
    """Runs `workers` server processes for `app` (an import string) on host:port."""

    app: str
    host: str
    port: int
    workers: int
    options: dict[str, Any] = field(default_factory=dict)
    log_level: str = "INFO"
    log_json: bool = False
    _processes: list[SpawnProcess | None] = field(default_factory=list)
    _started: list[float] = field(default_factory=list)
    _stopping: bool = False

    def run(self) -> int:
        """Serve until SIGINT / SIGTERM; the exit status (1 when workers keep failing)."""
        # Fails here, clearly, when the address is held by a socket without SO_REUSEPORT.
        bind_reuse_port(self.host, self.port).close()
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        context = multiprocessing.get_context("spawn")
        self._processes = [None] * self.workers
        self._started = [0.0] * self.workers
        early_exits = 0
        status = 0
        try:
            for slot in range(self.workers):
                self._start(context, slot)
            log.info(
                "serving on http://%s:%d with %d worker processes (SO_REUSEPORT)",
                self.host,
                self.port,
                self.workers,
            )
            while not self._stopping:
                time.sleep(0.2)
                for slot, process in enumerate(self._processes):
                    if self._stopping or process is None or process.is_alive():
                        continue
                    lived = time.monotonic() - self._started[slot]
                    log.warning(
                        "worker %d (pid %s) exited with %s after %.1f s; restarting it",
                        slot,
                        process.pid,
                        process.exitcode,
                        lived,
                    )
                    if lived < EARLY_EXIT_SECONDS:
                        early_exits += 1
                        if early_exits > EARLY_EXITS_ALLOWED:
                            log.error("workers keep failing at startup; stopping")
                            status = 1
                            self._stopping = True
                            break
                    self._start(context, slot)
        finally:
            self._shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return status

    def _start(self, context: Any, slot: int) -> None:
        options = {**self.options, "_logging": (self.log_level, self.log_json)}
        process: SpawnProcess = context.Process(
            target=_worker,
            args=(self.app, self.host, self.port, options),
            name=f"jarnama-worker-{slot}",
        )
        process.start()
        self._processes[slot] = process
        self._started[slot] = time.monotonic()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True

    def _shutdown(self) -> None:
        """SIGTERM every worker (uvicorn finishes in-flight requests), then wait; kill late."""
        running = [p for p in self._processes if p is not None and p.is_alive()]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + 30
        for process in running:
            process.join(timeout=max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("worker pid %s did not stop in time; killing it", process.pid)
                process.kill()
                process.join(timeout=5)
