"""A small creator exchange for the tests: an advertiser, two creators, an active offer."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.creators import ledger, participation, postback, service
from jarnama.creators.identifiers import iin_check_digit
from jarnama.creators.models import Conversion, Offer, OfferStatus
from jarnama.creators.schemas import CreatorProfileIn, GoalIn, OfferCreate, PostbackResult
from jarnama.creators.taxes import load_tax_table
from jarnama.tenancy.models import AccountKind, Role, Scope
from jarnama.tenancy.principal import Principal
from tests.factories import account

T = 100  # tiyn per tenge
TABLE = load_tax_table()
ALL = frozenset(s.value for s in Scope)
_serial = itertools.count(1)


def new_iin() -> str:
    """A valid IIN not used before in this run (a man born 15 May 1990, serial n)."""
    while True:
        first11 = f"9005153{next(_serial) % 10_000:04d}"
        check = iin_check_digit(first11)
        if check is not None:
            return f"{first11}{check}"


KASPI_CARD = "4400430123456789"
IBAN = "KZ18722S000012345678"


def principal(role: Role, account_id: int | None) -> Principal:
    """A caller of the services with every scope."""
    ids = frozenset() if account_id is None else frozenset({account_id})
    return Principal(
        actor=f"test:{role.value}:{account_id}",
        role=role,
        account_id=account_id,
        scopes=ALL,
        account_ids=ids,
    )


ADMIN = principal(Role.NETWORK_ADMIN, None)


@dataclass
class Exchange:
    """Ids, callers and the offer of the test exchange."""

    settings: Settings
    advertiser_id: int
    advertiser: Principal
    other_advertiser_id: int
    creator_id: int
    creator: Principal
    creator2_id: int
    creator2: Principal
    offer: Offer
    token: str
    secret: str
    code: str
    code2: str
    slug: str
    slug2: str


def profile_body(name: str, iin: str, **overrides: Any) -> CreatorProfileIn:
    """A creator profile with an Instagram handle, Almaty audience and a Kaspi card."""
    data: dict[str, Any] = {
        "display_name": name,
        "platforms": [{"platform": "instagram", "handle": name.lower(), "followers": 12_400}],
        "audience_cities": {"Almaty": 0.6, "Astana": 0.2},
        "categories": ["food"],
        "tax_status": "individual",
        "tax_id": iin,
        "payout": {"method": "kaspi_card", "number": KASPI_CARD},
        "own_contacts": [f"{name.lower()}@example.kz"],
    }
    data.update(overrides)
    return CreatorProfileIn.model_validate(data)


def build(session: Session, settings: Settings, **offer: Any) -> Exchange:
    """An active offer (10% of sales, 14-day hold) with two approved creators."""
    adv = account(session, "Magnum KZ")
    other = account(session, "Small Shop")
    c1 = account(session, "Aigerim", AccountKind.CREATOR)
    c2 = account(session, "Dana", AccountKind.CREATOR)
    advertiser = principal(Role.ACCOUNT_ADMIN, adv.id)
    creator = principal(Role.CREATOR, c1.id)
    creator2 = principal(Role.CREATOR, c2.id)
    body: dict[str, Any] = {
        "name": "Kefir launch",
        "landing_url": "https://magnum.kz/kefir",
        "goals": [GoalIn(goal="sale", kind="percent", percent_bp=1_000)],
        "hold_days": 14,
    }
    body.update(offer)
    created, _goals, token, secret = service.create_offer(
        session, advertiser, settings, OfferCreate.model_validate(body)
    )
    service.change_offer_status(session, advertiser, created.id, OfferStatus.ACTIVE)
    service.save_profile(session, creator, settings, profile_body("Aigerim", new_iin()))
    service.save_profile(
        session,
        creator2,
        settings,
        profile_body("Dana", new_iin(), payout={"method": "iban", "number": IBAN}),
    )
    participation.apply(session, creator, created.id, None, "")
    participation.apply(session, creator2, created.id, None, "")
    from jarnama.creators import repository

    code = repository.codes_of(session, created.id, c1.id)[0].code
    code2 = repository.codes_of(session, created.id, c2.id)[0].code
    slug = repository.links_of(session, created.id, c1.id)[0].slug
    slug2 = repository.links_of(session, created.id, c2.id)[0].slug
    session.flush()
    return Exchange(
        settings,
        adv.id,
        advertiser,
        other.id,
        c1.id,
        creator,
        c2.id,
        creator2,
        created,
        token,
        secret,
        code,
        code2,
        slug,
        slug2,
    )


def fund(session: Session, ex: Exchange, tenge: int) -> None:
    """Put money into the advertiser's escrow."""
    ledger.deposit(session, ex.advertiser_id, tenge * T)


def report(
    session: Session, ex: Exchange, order_id: str, tenge: int | str = 15_000, **params: str
) -> PostbackResult:
    """A token-authenticated postback of a sale with the first creator's promo code."""
    values = {"token": ex.token, "order_id": order_id, "amount": str(tenge), "currency": "KZT"}
    if "click_id" not in params:
        values["promo_code"] = ex.code
    values.update(params)
    return postback.handle(session, ex.settings, ex.offer.id, postback.PostbackCall(values))


def conversion(session: Session, conversion_id: int) -> Conversion:
    """A conversion, fresh from the database."""
    found = session.get(Conversion, conversion_id)
    assert found is not None
    session.refresh(found)
    return found


def later(days: float) -> dt.datetime:
    """An instant some days from now."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
