"""The test DSP as a real HTTP process on loopback (started once per test module)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_dsp(behaviours: dict[str, dict[str, Any]], tmp_path: Path) -> Iterator[str]:
    """Start `python -m jarnama.exchange.testdsp` and yield its base URL; stop it afterwards."""
    config = tmp_path / "dsps.json"
    config.write_text(json.dumps(behaviours))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jarnama.exchange.testdsp",
            "--port",
            str(port),
            "--config",
            str(config),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{base}/_log/none", timeout=0.5)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"test DSP did not start: {error}") from None
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr:
            process.stderr.close()
