"""The demo's DOOH exchange: an Almaty screen network and two live test DSPs bidding on it.

The seed registers «Алматы Смартборд», an invented media owner, with four screens in Almaty
(through the exchange services, audited) and an API key with the `auctions` scope for its
players. The owner has reviewed and approved the demo DSPs' creatives (audited reviews, as
its staff would in the approval queue), so the approval gate lets them win.
`running_demo_dsps` starts `python -m jarnama.exchange.testdsp` on a free loopback port with
two DSPs bidding in tenge and writes one bidder YAML file for each, so the served demo's
exchange runtime loads them: a player request for a demo screen gets a live bid.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from jarnama.demo.examples import ApiExample
from jarnama.exchange import approvals, testdsp
from jarnama.exchange import service as exchange_service
from jarnama.exchange.ops_models import CreativeStatus
from jarnama.exchange.schemas import ScreenCreate
from jarnama.tenancy import service as tenancy_service
from jarnama.tenancy.models import AccountKind, Role, Scope
from jarnama.tenancy.principal import Principal

MEDIA_OWNER = "Алматы Смартборд"
DEMO_ACTOR = "demo"
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The test DSP's advertiser domains when a behaviour names none (testdsp.DspBehaviour).
TEST_DSP_ADOMAIN = ("shoro.kz",)
# Two DSPs bidding in tenge (the demo has no exchange rates): a fixed 2 600 ₸ CPM and the
# floor × 1.3; both with win, billing and loss notice URLs.
DEMO_DSPS: dict[str, dict[str, Any]] = {
    "qazaq-media": {"mode": "bid", "price": "2600", "currency": "KZT", "crid": "qm-kumis-1"},
    "steppe-ads": {
        "mode": "bid",
        "floor_factor": "1.3",
        "currency": "KZT",
        "adomain": ["kaspi.kz"],
        "crid": "steppe-1",
    },
}


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    """One demo screen: code, name, venue type, place, size, hours and audience."""

    code: str
    name: str
    venue: int
    lat: str
    lon: str
    size: tuple[int, int]
    hours: tuple[str, str]
    multiplier: str


SCREENS = (
    # The airport screen plays around the clock: the printed player request works at any hour.
    ScreenSpec("ALA-AIRPORT-01", "Аэропорт Алматы, зал прилёта", 10101, "43.352100",
               "77.040500", (1920, 1080), ("00:00", "24:00"), "35"),
    ScreenSpec("ALA-ALFARABI-01", "Аль-Фараби / Назарбаева", 30101, "43.218100", "76.927800",
               (1920, 1080), ("07:00", "23:00"), "12.5"),
    ScreenSpec("ALA-MEGA-01", "MEGA Alma-Ata, атриум", 20501, "43.201900", "76.892000",
               (1080, 1920), ("10:00", "22:00"), "8"),
    ScreenSpec("ALA-DOSTYK-01", "Достык / Абая", 30101, "43.238900", "76.957300",
               (1920, 1080), ("07:00", "23:00"), "15"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoExchange:
    """What the exchange seed made: the media owner's key and its screens."""

    media_owner_name: str
    media_owner_key: str
    screen_ids: tuple[int, ...]
    player_screen_id: int


def _admin() -> Principal:
    return Principal(
        actor=DEMO_ACTOR,
        role=Role.NETWORK_ADMIN,
        account_id=None,
        scopes=frozenset(scope.value for scope in Scope),
    )


def seed_exchange(session: Session) -> DemoExchange:
    """The Almaty media owner, its screens and its players' API key (flushes, never commits)."""
    owner = tenancy_service.create_account(
        session, DEMO_ACTOR, kind=AccountKind.MEDIA_OWNER, name=MEDIA_OWNER
    )
    ids = []
    for spec in SCREENS:
        opening, closing = spec.hours
        width, height = spec.size
        body = ScreenCreate.model_validate(
            {
                "account_id": owner.id,
                "code": spec.code,
                "name": spec.name,
                "venue_type_ids": [spec.venue],
                "lat": spec.lat,
                "lon": spec.lon,
                "city": "Almaty",
                "width_px": width,
                "height_px": height,
                "width_mm": 3000 if width > height else 1700,
                "height_mm": 1700 if width > height else 3000,
                "loop_seconds": 60,
                "slot_seconds": 10,
                "operating_hours": {
                    day: [{"open": opening, "close": closing}] for day in EVERY_DAY
                },
                "audience": {"multiplier": spec.multiplier, "source_type": 2},
                "floor_cpm": Decimal(1500),
                "floor_currency": "KZT",
                "blocked_categories": ["IAB7-39", "IAB8-18"],
                "blocked_domains": ["casino.example"],
            }
        )
        ids.append(exchange_service.create_screen(session, _admin(), body).id)
    _key, plaintext = tenancy_service.create_api_key(
        session,
        DEMO_ACTOR,
        name=f"demo {MEDIA_OWNER} players",
        role=Role.ACCOUNT_ADMIN,
        account_id=owner.id,
        scopes=(Scope.AUCTIONS, Scope.READ, Scope.MANAGE),
    )
    session.flush()
    approve_demo_creatives(session, owner.id)
    return DemoExchange(MEDIA_OWNER, plaintext, tuple(ids), ids[0])


def approve_demo_creatives(session: Session, owner_id: int) -> None:
    """The owner approves each demo DSP's creative, as its staff would in the approval queue."""
    reviewer = Principal(
        actor=DEMO_ACTOR,
        role=Role.ACCOUNT_ADMIN,
        account_id=owner_id,
        scopes=frozenset({Scope.READ.value, Scope.MANAGE.value}),
        account_ids=frozenset({owner_id}),
    )
    for code, behaviour in DEMO_DSPS.items():
        creative = approvals.queue_creative(
            session,
            owner_id,
            bidder=code,
            crid=behaviour["crid"],
            adomain=behaviour.get("adomain", TEST_DSP_ADOMAIN),
            seat=code,
        )
        approvals.review_creative(session, reviewer, creative.id, CreativeStatus.APPROVED, None)


@contextmanager
def running_demo_dsps(folder: Path, *, start_seconds: float = 20) -> Iterator[Path]:
    """Start the demo's test DSP process on loopback; yield the folder of its bidder files."""
    folder.mkdir(parents=True, exist_ok=True)
    with testdsp.running(DEMO_DSPS, folder / "dsps.json", start_seconds=start_seconds) as base:
        bidders = folder / "bidders"
        bidders.mkdir(exist_ok=True)
        for code, behaviour in DEMO_DSPS.items():
            spec = {
                "code": code,
                "name": f"{code} (demo test DSP)",
                "endpoint": f"{base}/{code}/bid",
                "channels": ["dooh"],
                "media_types": ["banner", "video"],
                "currency": behaviour["currency"],
                "timeout_ms": 250,
                "qps": 1000,
            }
            (bidders / f"{code}.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
        yield bidders


def exchange_examples(exchange: DemoExchange) -> list[ApiExample]:
    """The player's requests: the demo screens, and an ad for the airport screen right now."""
    return [
        ApiExample(
            f"{exchange.media_owner_name}'s DOOH screens in Almaty",
            "/api/v1/exchange/screens",
            (("limit", "5"),),
            exchange.media_owner_key,
        ),
        ApiExample(
            "A DOOH player asks for the ad of its next slot: live test DSPs bid, the answer "
            "holds the creative, the tracking URLs and a lease (prove or release it)",
            "/api/v1/exchange/player/ads",
            token=exchange.media_owner_key,
            method="POST",
            body={"screen_id": exchange.player_screen_id},
        ),
    ]
