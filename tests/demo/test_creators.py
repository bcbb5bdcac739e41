"""The demo's creator exchange, seeded through the creators services."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.creators.models import Conversion, ConversionStatus, Offer, PromoCode
from jarnama.demo.creators import seed_creators
from tests.factories import account


def test_creators_offers_codes_and_decided_conversions(
    session: Session, settings: Settings
) -> None:
    advertiser = account(session, "Food Master")
    made = seed_creators(session, settings, advertiser)
    assert (made.creators, made.offers, made.conversions) == (3, 2, 7)
    offers = session.scalars(select(Offer).where(Offer.account_id == advertiser.id)).all()
    assert len(offers) == 2
    assert len(session.scalars(select(PromoCode)).all()) == 6  # one per creator per offer
    statuses = [c.status for c in session.scalars(select(Conversion))]
    assert statuses.count(ConversionStatus.APPROVED) == 3
    assert statuses.count(ConversionStatus.DECLINED) == 2
    assert statuses.count(ConversionStatus.PENDING) == 2
    declined = session.scalars(
        select(Conversion).where(Conversion.status == ConversionStatus.DECLINED)
    ).all()
    assert all(c.decline_reason and c.decline_text and c.evidence for c in declined)
