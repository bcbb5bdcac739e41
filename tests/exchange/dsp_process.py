"""The test DSP as a real HTTP process on loopback (started once per test module)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jarnama.exchange import testdsp


@contextmanager
def running_dsp(behaviours: dict[str, dict[str, Any]], tmp_path: Path) -> Iterator[str]:
    """Start `python -m jarnama.exchange.testdsp` and yield its base URL; stop it afterwards."""
    with testdsp.running(behaviours, tmp_path / "dsps.json") as base:
        yield base
