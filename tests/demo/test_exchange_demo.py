"""The demo's exchange wiring: Almaty screens, a live test DSP process, a player request filled.

The same pieces `make demo` uses (`seed_exchange`, `running_demo_dsps`, the printed player
request) run here against the app, so the printed curl gets a bid from a live test DSP.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.core.time import utcnow
from jarnama.demo.exchange import DEMO_DSPS, exchange_examples, running_demo_dsps, seed_exchange
from jarnama.exchange.ops_models import Creative, CreativeStatus
from jarnama.tenancy import service
from tests.exchange.helpers import audit_count


def test_a_demo_player_request_gets_a_live_bid(
    session: Session, session_factory: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    service.ensure_network(session, "Demo")
    seeded = seed_exchange(session)
    session.commit()
    # The owner approved each demo DSP's creative, audited like a review in the queue.
    approved = session.scalars(select(Creative).where(Creative.status == CreativeStatus.APPROVED))
    assert sorted(c.bidder for c in approved) == sorted(DEMO_DSPS)
    assert audit_count(session, "exchange_creative") == len(DEMO_DSPS)
    with running_demo_dsps(tmp_path / "dsps") as bidders:
        exchange = settings.exchange.model_copy(update={"bidders_dir": str(bidders)})
        app = create_app(
            settings.model_copy(update={"exchange": exchange}), session_factory=session_factory
        )
        [screens, ask] = exchange_examples(seeded)
        headers = {"Authorization": f"Bearer {seeded.media_owner_key}"}
        with TestClient(app) as client:
            listed = client.get(screens.path, params=dict(screens.params), headers=headers)
            assert listed.status_code == 200
            assert {s["city"] for s in listed.json()["items"]} == {"Almaty"}
            response = client.post(ask.path, json=ask.body, headers=headers)
            assert response.status_code == 200, response.text
            ad = response.json()
            assert ad["bidder"] in DEMO_DSPS
            assert ad["screen_id"] == seeded.player_screen_id
            creative = httpx.get(ad["creative"]["url"])
            assert (creative.status_code, ad["creative"]["mime"]) == (200, "image/png")
            proof = client.post(
                ad["tracking"]["proof_of_play_url"].removeprefix(settings.base_url),
                json={
                    "played_at": utcnow().isoformat(),
                    "duration_seconds": "10",
                    "percent_shown": "100",
                },
                headers=headers,
            )
            assert proof.status_code == 200, proof.text
            assert proof.json()["billed"] is True
