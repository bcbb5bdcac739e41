"""`jarnama demo`: a fresh SQLite demo database, seeded, printed and served."""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from jarnama.catalog.models import Product
from jarnama.cli import app
from jarnama.config import Settings
from jarnama.core.db import make_engine
from jarnama.demo.cli import DEFAULT_DEMO_DB, demo_database_url, sqlite_path

ADMIN_KEY = "jk_clidemoadmin_0123456789abcdefghij"


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and no JARNAMA_ variables from the developer's shell."""
    monkeypatch.chdir(tmp_path)
    for name in ("JARNAMA_DATABASE__URL", "JARNAMA_PORT", "JARNAMA_HOST", "JARNAMA_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("JARNAMA_DEMO_ADVERTISER_KEY", raising=False)
    monkeypatch.setenv("JARNAMA_DEMO_ADMIN_KEY", ADMIN_KEY)
    monkeypatch.setenv("JARNAMA_LOG_JSON", "false")
    return tmp_path


def _products(path: Path) -> int:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Product)) or 0
    finally:
        engine.dispose()


def test_no_serve_seeds_a_fresh_database_and_prints_keys(demo_dir: Path) -> None:
    """The demo file is created (and replaced on the next run); URLs, keys and curls are printed."""
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--no-serve", "--products", "200"])
    assert first.exit_code == 0, first.output
    database = demo_dir / DEFAULT_DEMO_DB
    assert _products(database) == 200
    out = first.output
    for text in ("http://127.0.0.1:8000/docs", "/healthz", "/metrics", "seeded in"):
        assert text in out
    assert ADMIN_KEY in out
    advertiser_key = re.search(r"Advertiser API key \(Food Master\)\s+(jk_\S+)", out)
    assert advertiser_key is not None
    curls = [line for line in out.splitlines() if line.startswith("curl ")]
    assert len(curls) >= 6
    assert (
        f"curl -s -H 'Authorization: Bearer {ADMIN_KEY}' http://127.0.0.1:8000/api/v1/me" in curls
    )
    assert any(advertiser_key.group(1) in line and "/catalog/products" in line for line in curls)
    assert any("--data-urlencode" in line for line in curls)

    again = runner.invoke(app, ["demo", "--no-serve", "--products", "150", "--port", "8123"])
    assert again.exit_code == 0, again.output
    assert _products(database) == 150
    assert "http://127.0.0.1:8123/docs" in again.output
    assert advertiser_key.group(1) not in again.output


def test_explicit_database_url_is_used(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With JARNAMA_DATABASE__URL set, the demo seeds that database instead of the default."""
    target = demo_dir / "elsewhere.db"
    monkeypatch.setenv("JARNAMA_DATABASE__URL", f"sqlite:///{target}")
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--products", "100"])
    assert result.exit_code == 0, result.output
    assert _products(target) == 100
    assert not (demo_dir / DEFAULT_DEMO_DB).exists()


def test_database_url_choice() -> None:
    """Only an explicitly set URL replaces the default demo file."""
    implicit = Settings(_env_file=None)
    assert demo_database_url(implicit) == f"sqlite:///./{DEFAULT_DEMO_DB}"
    explicit = Settings(_env_file=None, database={"url": "postgresql://u@db/demo"})
    assert demo_database_url(explicit) == "postgresql+psycopg://u@db/demo"
    assert sqlite_path("sqlite:///./x.db") == Path("x.db")
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql+psycopg://u@db/demo") is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _read_until_serving(process: subprocess.Popen[str], seconds: float) -> list[str]:
    """The demo's output lines up to «serving on …» (it prints the examples just before)."""
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def pump(stream: IO[str]) -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, args=(process.stdout,), daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if line.startswith("serving on "):
            return seen
    raise AssertionError("the demo did not start serving:\n" + "\n".join(seen))


@pytest.mark.slow
def test_every_printed_curl_works_against_the_served_demo(demo_dir: Path) -> None:
    """`jarnama demo` serves; each printed curl, pasted into a shell, answers (decisions win)."""
    port = _free_port()
    env = {**os.environ, "JARNAMA_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "jarnama", "demo", "--products", "1500", "--port", str(port)],
        cwd=demo_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    try:
        lines = _read_until_serving(process, 120)
        assert any(line.startswith("decision snapshot v1 compiled") for line in lines)
        curls = [line for line in lines if line.startswith("curl ")]
        assert len(curls) >= 14
        deciding = creator_examples = players = 0
        for line in curls:
            done = subprocess.run(
                ["bash", "-c", line], capture_output=True, text=True, timeout=30, check=False
            )
            assert done.returncode == 0, (line, done.stderr)
            out = done.stdout.strip()
            assert out, line
            if "| python3" in line:
                assert out == "click: 204", line  # recorded and billed; products: no redirect
            elif "/decisions" in line or "/v2/auctions" in line:
                body = json.loads(out)
                groups = body.get("placements") or body.get("results")
                assert groups, (line, out)
                assert all(group["winners"] for group in groups), (line, out)
                deciding += 1
            elif "/exchange/player/ads" in line:
                ad = json.loads(out)  # a live test DSP's bid, leased to the player
                assert ad["lease_id"], (line, out)
                assert ad["creative"]["url"], (line, out)
                players += 1
            else:
                answer = json.loads(out)  # every other example answers JSON
                if "/api/v1/creators/" in line:
                    assert answer["items"], (line, out)  # the seeded creators' sales and declines
                    creator_examples += 1
        assert deciding == 3
        assert creator_examples == 2
        assert players == 1
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
