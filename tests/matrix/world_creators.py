"""The creator exchange's part of the matrix world: offers of `home` (one with `studio` in it,
one open to apply to), a draft of `foreign`, and `studio`'s conversions, dispute, post and
a paid-out batch, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.creators import (
    disputes,
    ledger,
    lifecycle,
    participation,
    payouts,
    postback,
    posts,
    repository,
    service,
)
from jarnama.creators.models import DeclineReason, OfferStatus
from jarnama.creators.schemas import CodePoolIn, CreatorProfileIn, DisputeIn, OfferCreate, PostIn
from jarnama.creators.taxes import load_tax_table
from jarnama.tenancy.principal import Principal

STUDIO_IIN = "900515300018"


@dataclass(frozen=True)
class CreatorWorld:
    """Ids of the creator exchange's objects in the matrix world."""

    offer_id: int  # home's active offer; studio is approved in it
    open_offer_id: int  # home's active offer studio has not applied to
    foreign_offer_id: int  # foreign's draft
    participation_id: int
    conversion_id: int  # a pending conversion of studio in home's offer
    dispute_id: int  # studio's open dispute about a declined conversion
    post_id: int
    batch_id: int  # a payout batch (exported, not yet paid)


def profile_body(account_id: int | None) -> dict[str, object]:
    """Studio's profile."""
    return {
        "account_id": account_id,
        "display_name": "Studio",
        "platforms": [{"platform": "instagram", "handle": "studio.kz", "followers": 15_000}],
        "audience_cities": {"Almaty": 0.7},
        "tax_status": "individual",
        "tax_id": STUDIO_IIN,
        "payout": {"method": "kaspi_card", "number": "4400430123456789"},
    }


def offer_body(account_id: int, name: str, **extra: object) -> dict[str, object]:
    """An offer paying 10% of sales."""
    return {
        "account_id": account_id,
        "name": name,
        "landing_url": "https://magnum.kz/matrix",
        "goals": [{"goal": "sale", "kind": "percent", "percent_bp": 1_000}],
        **extra,
    }


def build_creators(
    session: Session, operator: Principal, home_id: int, studio_id: int, foreign_id: int
) -> CreatorWorld:
    """Offers, a participation, conversions, a dispute, a post and a payout batch."""
    settings = Settings(_env_file=None, environment="test", auth={"secret_key": "test-secret"})
    table = load_tax_table()

    def offer(account_id: int, name: str, active: bool, **extra: object) -> tuple[int, str]:
        body = OfferCreate.model_validate(offer_body(account_id, name, **extra))
        created, _goals, token, _secret = service.create_offer(session, operator, settings, body)
        if active:
            service.change_offer_status(session, operator, created.id, OfferStatus.ACTIVE)
        return created.id, token

    offer_id, token = offer(home_id, "Matrix kefir", True, code_source="pool")
    participation.import_codes(
        session, operator, offer_id, CodePoolIn(codes=["MTX-AAA2", "MTX-BBB3"])
    )
    open_offer_id, _ = offer(home_id, "Matrix open", True)
    foreign_offer_id, _ = offer(foreign_id, "Foreign draft", False)
    service.save_profile(
        session, operator, settings, CreatorProfileIn.model_validate(profile_body(studio_id))
    )
    joined = participation.apply(session, operator, offer_id, studio_id, "")
    code = repository.codes_of(session, offer_id, studio_id)[0].code
    ledger.deposit(session, home_id, 100_000_000)

    def sale(order_id: str) -> int:
        params = {"token": token, "order_id": order_id, "amount": "100000", "promo_code": code}
        return postback.handle(
            session, settings, offer_id, postback.PostbackCall(params)
        ).conversion_id

    first = repository.conversion(session, sale("MTX-1"))
    assert first is not None
    lifecycle.approve(session, first, "test", table)
    batch = payouts.create_batch(session, operator, settings)
    second = repository.conversion(session, sale("MTX-2"))
    assert second is not None
    lifecycle.approve(session, second, "test", table)  # studio is due again
    pending = sale("MTX-3")
    declined = repository.conversion(session, sale("MTX-4"))
    assert declined is not None
    lifecycle.decline(session, declined, "test", DeclineReason.FRAUD, "a bot ordered it", ["log"])
    dispute = disputes.open_dispute(
        session,
        operator,
        settings,
        DisputeIn.model_validate(
            {
                "kind": "wrong_decline",
                "conversion_id": declined.id,
                "text": "a real follower bought it",
                "creator_account_id": studio_id,
            }
        ),
    )
    post = posts.submit(
        session,
        operator,
        PostIn.model_validate(
            {
                "offer_id": offer_id,
                "creator_account_id": studio_id,
                "platform": "instagram",
                "url": "https://instagram.com/p/mtx",
                "caption": "Реклама. Кефир недели",
            }
        ),
    )
    session.commit()
    return CreatorWorld(
        offer_id,
        open_offer_id,
        foreign_offer_id,
        joined.id,
        pending,
        dispute.id,
        post.id,
        batch.id,
    )
