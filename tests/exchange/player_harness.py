"""The app with live test DSPs as its bidders: settings, bidder files, screens, normalising."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.core.time import business_day, utcnow
from jarnama.exchange.ops_settings import OpsSettings
from tests.exchange.helpers import screen_payload

P = "/api/v1/exchange"
ALL_DAY = {
    day: [{"open": "00:00", "close": "24:00"}]
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
USD_KZT = "500"


def write_bidders(folder: Path, base: str, behaviours: dict[str, dict[str, Any]]) -> Path:
    """One YAML file per test DSP, as an operator would write them."""
    folder.mkdir(parents=True, exist_ok=True)
    for code, behaviour in behaviours.items():
        spec = {
            "code": code,
            "name": f"Test DSP {code}",
            "endpoint": f"{base}/{code}/bid",
            "channels": ["dooh"],
            "media_types": ["banner", "video"],
            "currency": behaviour.get("currency", "USD"),
            "timeout_ms": 250,
            "qps": 10_000,
        }
        (folder / f"{code}.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    return folder


def exchange_settings(settings: Settings, bidders_dir: Path, **exchange: Any) -> Settings:
    """Test settings with these bidders, a USD rate for today and fast notice retries."""
    yesterday = business_day(utcnow()) - dt.timedelta(days=1)
    return settings.model_copy(
        update={
            "exchange": settings.exchange.model_copy(
                update={
                    "bidders_dir": str(bidders_dir),
                    "tmax_ms": 400,
                    "notice_backoff_ms": 10,
                    **exchange,
                }
            ),
            "money": settings.money.model_validate(
                {"rates": [{"currency": "USD", "on": yesterday.isoformat(), "kzt": USD_KZT}]}
            ),
        }
    )


def app_with_dsp(
    settings: Settings,
    session_factory: sessionmaker[Session],
    dsp: str,
    folder: Path,
    behaviours: dict[str, dict[str, Any]],
    *,
    gated: bool,
) -> FastAPI:
    """The app with one bidder per behaviour at the test DSP `dsp`, the approval gate on or off."""
    bidders = write_bidders(folder / "bidders", dsp, behaviours)
    ops = OpsSettings(require_creative_approval=gated)
    return create_app(
        exchange_settings(settings, bidders, ops=ops), session_factory=session_factory
    )


def open_screen(client: TestClient, headers: dict[str, str], code: str, **fields: Any) -> int:
    """A screen playing around the clock with no daypart floors (tests ignore the hour)."""
    body = screen_payload(code, operating_hours=ALL_DAY, daypart_floors=[], **fields)
    response = client.post(f"{P}/screens", json=body, headers=headers)
    assert response.status_code == 201, response.text
    screen_id: int = response.json()["id"]
    return screen_id


def soon(minutes: int = 2) -> str:
    """A play time a couple of minutes ahead, as a player asks."""
    return (utcnow() + dt.timedelta(minutes=minutes)).isoformat()


def dsp_log(base: str, name: str) -> dict[str, Any]:
    """What one test DSP received: bid requests and notices."""
    body: dict[str, Any] = httpx.get(f"{base}/_log/{name}").json()
    return body


def wait_for_notices(base: str, name: str, kind: str, count: int) -> list[dict[str, Any]]:
    """The DSP's notices of one kind once `count` arrived (they are sent in the background)."""
    deadline = time.monotonic() + 5
    while True:
        found = [n for n in dsp_log(base, name)["notices"] if n["kind"] == kind]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


_HEX = re.compile(r"\b[0-9a-f]{32}\b")
_PORT = re.compile(r"127\.0\.0\.1:\d+")
_TS = re.compile(r"\bts=\d+")


def normalised(value: Any) -> Any:
    """A JSON answer with its random ids, ports, instants and screen ids made stable."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("plays_at", "expires_at", "played_at", "ended_at") and item:
                out[key] = "<instant>"
            elif key in ("screen_id",):
                out[key] = "<screen>"
            else:
                out[key] = normalised(item)
        return out
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        text = _HEX.sub("<id>", value)
        text = _PORT.sub("127.0.0.1:<port>", text)
        return _TS.sub("ts=<ms>", text)
    return value
