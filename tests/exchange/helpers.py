"""Builders shared by the exchange tests: media owners, callers, screen payloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jarnama.tenancy.models import AccountKind, AuditEntry, Role, Scope
from tests.factories import Caller, account, api_caller, network_admin


@dataclass(frozen=True)
class Owners:
    """Two media owners, an advertiser, and their callers."""

    a_id: int
    b_id: int
    advertiser_id: int
    a: Caller
    a_analyst: Caller
    a_read_key: Caller
    b: Caller
    advertiser: Caller
    admin: Caller


def build_owners(session: Session) -> Owners:
    """Two media owners (Almaty and Astana screens), an advertiser and a network admin."""
    a = account(session, "Almaty Smartboards", kind=AccountKind.MEDIA_OWNER)
    b = account(session, "Astana Screens", kind=AccountKind.MEDIA_OWNER)
    adv = account(session, "Shoro", kind=AccountKind.ADVERTISER)
    session.flush()
    return Owners(
        a_id=a.id,
        b_id=b.id,
        advertiser_id=adv.id,
        a=api_caller(session, account_id=a.id),
        a_analyst=api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=a.id),
        a_read_key=api_caller(session, account_id=a.id, scopes=(Scope.READ,)),
        b=api_caller(session, account_id=b.id),
        advertiser=api_caller(session, account_id=adv.id),
        admin=network_admin(session),
    )


def screen_payload(code: str = "ALA-001", **overrides: Any) -> dict[str, Any]:
    """A valid screen body: a landscape roadside board on Al-Farabi avenue."""
    body: dict[str, Any] = {
        "code": code,
        "name": "Аль-Фараби / Назарбаева",
        "venue_type_ids": [30101],
        "lat": "43.218100",
        "lon": "76.927800",
        "city": "Almaty",
        "width_px": 1920,
        "height_px": 1080,
        "width_mm": 6000,
        "height_mm": 3000,
        "loop_seconds": 60,
        "slot_seconds": 10,
        "operating_hours": {
            day: [{"open": "07:00", "close": "23:00"}]
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
        "audience": {"multiplier": "12.5", "source_type": 1, "vendor": "geopath.org"},
        "floor_cpm": "1500.00",
        "floor_currency": "KZT",
        "daypart_floors": [
            {
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "start": "07:00",
                "end": "10:00",
                "floor_cpm": "2500",
            }
        ],
        "blocked_categories": ["IAB7-39", "IAB8-18"],
        "blocked_domains": ["casino.example"],
    }
    body.update(overrides)
    return body


def audit_count(session: Session, entity: str) -> int:
    """Audit entries recorded for an entity kind."""
    return session.scalar(select(func.count()).where(AuditEntry.entity == entity)) or 0
