"""Matrix rows of the report jobs API.

A job belongs to the supplier whose campaigns it covers: admins and analysts of that account
(and agencies for it) create and read it, creators get 403 on every route. Creating a job is
a read of campaign results, so it needs the `read` scope, not `manage` (analysts run reports).
Paths name `home`'s done daily report.
"""

from __future__ import annotations

from typing import Any

from tests.matrix.case import NOT_CREATORS, Case, Kind, advertiser
from tests.matrix.world import Tenant, World
from tests.matrix.world_reports import ReportsWorld

BASE = "/api/v1/reports"


def _rw(w: World) -> ReportsWorld:
    assert w.reports is not None
    return w.reports


def _job(w: World, _t: Tenant) -> dict[str, Any]:
    return {"job_id": _rw(w).job_id}


def _request(w: World, t: Tenant) -> dict[str, Any]:
    return {
        "kind": "day",
        "since": "2030-01-01",
        "until": "2030-01-31",
        "account_id": advertiser(w, t).account_id,
        "filters": {"campaign_ids": [advertiser(w, t).campaign_id]},
    }


J = f"{BASE}/{{job_id}}"

ROWS: list[Case] = [
    Case("POST", BASE, Kind.ONE, NOT_CREATORS, body=_request, success=202),
    Case("GET", J, Kind.ONE, NOT_CREATORS, params=_job),
    Case("GET", f"{J}/download", Kind.ONE, NOT_CREATORS, params=_job),
    Case("GET", f"{J}/chart.png", Kind.ONE, NOT_CREATORS, params=_job),
]  # fmt: skip
