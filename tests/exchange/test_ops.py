"""The process's exchange operations: the runtime's approval policy, traffic and DCO reloads,
and the DCO API (create, validate, preview, update)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.exchange.approvals import ApprovalBook, enqueue_unreviewed
from jarnama.exchange.auction import Approval
from jarnama.exchange.ops import ExchangeOps
from jarnama.exchange.ops_settings import OpsSettings
from jarnama.exchange.runtime import ExchangeRuntime
from jarnama.exchange.signals import Precipitation, Signals
from jarnama.exchange.snapshot import compile_inventory
from tests.exchange.helpers import Owners, audit_count, screen_payload
from tests.exchange.samples import screen
from tests.exchange.test_approvals import bid, run

P = "/api/v1/exchange/dco/campaigns"
# Tuesday 2030-06-04, 08:30 and 19:00 in Almaty.
MORNING = "2030-06-04T03:30:00Z"
EVENING = "2030-06-04T14:00:00Z"


def _variants() -> list[dict[str, Any]]:
    return [
        {
            "name": "hot tea",
            "creative_url": "https://cdn.example/tea.jpg",
            "duration_seconds": 10,
            "rules": {"temperature_max": "0", "precipitation": ["snow"]},
        },
        {
            "name": "rush hour",
            "creative_url": "https://cdn.example/rush.mp4",
            "mime": "video/mp4",
            "duration_seconds": 8,
            "priority": 0,
            "rules": {
                "dayparts": [
                    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "10:00"}
                ],
                "traffic_min": 7,
            },
        },
        {
            "name": "default",
            "creative_url": "https://cdn.example/default.jpg",
            "duration_seconds": 10,
            "priority": 99,
            "is_default": True,
        },
    ]


def _screen(client: TestClient, owners: Owners, code: str = "DCO-1") -> int:
    response = client.post(
        "/api/v1/exchange/screens", json=screen_payload(code), headers=owners.a.headers
    )
    assert response.status_code == 201, response.text
    screen_id: int = response.json()["id"]
    return screen_id


def test_runtime_policy_gates_creatives_only_when_required(
    session: Session, owners: Owners, settings: Settings
) -> None:
    sample = bid("alpha")
    owned = screen(id=1, account_id=owners.a_id)
    # The gate is on by default: an unreviewed creative waits.
    runtime = ExchangeRuntime(settings, {})
    runtime.ops.refresh(session)
    gate = runtime.approval_for(owned)
    assert gate is not None
    assert gate(sample) is Approval.PENDING
    asyncio.run(runtime.close())
    # Turned off explicitly (a private test network): every creative may win.
    ex = settings.exchange.model_copy(update={"ops": OpsSettings(require_creative_approval=False)})
    runtime = ExchangeRuntime(settings.model_copy(update={"exchange": ex}), {})
    gate = runtime.approval_for(owned)
    assert gate is not None
    assert gate(sample) is Approval.APPROVED
    asyncio.run(runtime.close())
    strict = ExchangeOps(OpsSettings(require_creative_approval=True))
    strict.refresh(session)
    assert strict.policy(owned)(sample) is Approval.PENDING
    enqueue_unreviewed(session, owned, run([sample], ApprovalBook(), owned).rejections)
    session.flush()
    strict.refresh(session)
    assert strict.policy(owned)(sample) is Approval.PENDING  # queued, not yet approved


def test_refresh_loads_traffic_and_the_dco_book(
    client: TestClient, session: Session, owners: Owners
) -> None:
    screen_id = _screen(client, owners)
    body = {"name": "Tea", "kind": "direct", "screen_ids": [screen_id], "variants": _variants()}
    assert client.post(P, json=body, headers=owners.a.headers).status_code == 201
    pushed = client.post(
        "/api/v1/exchange/signals/traffic",
        json={"city": "Almaty", "level": 8},
        headers=owners.admin.headers,
    )
    assert pushed.status_code == 201
    ops = ExchangeOps(OpsSettings())
    ops.refresh(session)
    board = compile_inventory(session).screen(screen_id)
    assert board is not None
    at = dt.datetime(2030, 6, 4, 3, 30, tzinfo=dt.UTC)
    signals = ops.signals.current(board, at)
    assert signals.traffic_level == 8
    choice = ops.dco.choose(screen_id, at, signals)
    assert choice is not None
    assert choice.variant.name == "rush hour"
    cold = Signals(temperature_c=Decimal(-5), precipitation=Precipitation.SNOW)
    evening = ops.dco.choose(screen_id, at + dt.timedelta(hours=10), cold)
    assert evening is not None
    assert evening.variant.name == "hot tea"


def test_dco_campaigns_over_the_api(client: TestClient, session: Session, owners: Owners) -> None:
    screen_id = _screen(client, owners)
    h = owners.a.headers
    body = {"name": "Tea", "kind": "house", "screen_ids": [screen_id], "variants": _variants()}
    created = client.post(P, json=body, headers=h)
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert [v["priority"] for v in campaign["variants"]] == [0, 0, 99]
    url = f"{P}/{campaign['id']}/preview"
    rush = {"at": MORNING, "signals": {"traffic_level": 9, "temperature_c": "-4"}}
    assert client.post(url, json=rush, headers=h).json()["variant"]["name"] == "rush hour"
    snow = {"at": EVENING, "signals": {"temperature_c": "-4", "precipitation": "snow"}}
    assert client.post(url, json=snow, headers=h).json()["variant"]["name"] == "hot tea"
    assert client.post(url, json={"at": EVENING}, headers=h).json()["variant"]["name"] == "default"
    # Exactly one default; variant rules are checked; foreign screens are not found.
    two_defaults = body | {"variants": [*_variants(), _variants()[2] | {"name": "d2"}]}
    refused = client.post(P, json=two_defaults, headers=h)
    assert (refused.status_code, refused.json()["field"]) == (400, "variants")
    bad_range = body | {
        "variants": [_variants()[2] | {"rules": {"temperature_min": "5", "temperature_max": "1"}}]
    }
    assert client.post(P, json=bad_range, headers=h).status_code == 422
    foreign = client.post(P, json=body | {"account_id": owners.b_id}, headers=owners.b.headers)
    assert (foreign.status_code, foreign.json()["field"]) == (404, "screen_ids")
    paused = client.patch(f"{P}/{campaign['id']}", json={"active": False}, headers=h)
    assert paused.json()["active"] is False
    assert audit_count(session, "exchange_dco_campaign") == 2
