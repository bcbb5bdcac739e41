"""The background report worker of a real app: queued jobs survive a restart and then run.

The app owns its engine here (a SQLite file migrated by the real migrations), as in
production; the shared-connection fixtures would keep the worker off (it needs commits).
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from tests import factories

BODY = {"kind": "day", "since": "2026-03-01", "until": "2026-03-07"}


def _settings(tmp_path: Path, poll_seconds: float) -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        database={"url": f"sqlite:///{tmp_path}/worker.db"},
        auth={"secret_key": "test-secret"},
        log_json=False,
        events={"log_dir": f"{tmp_path}/events"},
        measurement={
            "store_dir": f"{tmp_path}/analytics",
            "reports_dir": f"{tmp_path}/reports",
            "report_poll_seconds": poll_seconds,
        },
        creators={"jobs_seconds": 0},
    )


def _wait_done(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, object]:
    deadline = time.monotonic() + 30  # a bound, not a speed check
    while True:
        job: dict[str, object] = client.get(url, headers=headers).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_job_queued_before_a_restart_runs_after_it(tmp_path: Path) -> None:
    stopped = _settings(tmp_path, poll_seconds=0)  # a process with no worker
    engine = make_engine(stopped.database.url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        account = factories.account(session, "Worker KZ")
        caller = factories.api_caller(session, account_id=account.id)
    engine.dispose()

    with TestClient(create_app(stopped)) as client:
        queued = client.post("/api/v1/reports", json=BODY, headers=caller.headers)
        assert queued.status_code == 202, queued.text
        url = f"/api/v1/reports/{queued.json()['id']}"
        time.sleep(0.3)
        assert client.get(url, headers=caller.headers).json()["status"] == "queued"

    with TestClient(create_app(_settings(tmp_path, poll_seconds=0.2))) as client:
        first = _wait_done(client, url, caller.headers)
        assert first["status"] == "done", first
        # A job created while the worker runs is picked up too (woken after the commit).
        second = client.post("/api/v1/reports", json=BODY, headers=caller.headers).json()
        done = _wait_done(client, f"/api/v1/reports/{second['id']}", caller.headers)
        assert done["status"] == "done", done
        download = client.get(f"{url}/download", headers=caller.headers)
        assert download.status_code == 200
        assert download.text.startswith("day,impressions,")
