"""The demo's creator exchange: three Almaty micro-influencers and two of the demo advertiser's
CPA offers, with promo codes, links, clicks and a few approved, declined and pending sales.

Everything goes through the creators services (profiles, offers, applications, escrow,
postbacks with the offer's token, the advertiser's approvals and declines), so the demo's
history, ledger and audit log are what real use would leave.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.creators import conversions, participation, payouts, postback, repository, service
from jarnama.creators.identifiers import iin_check_digit
from jarnama.creators.models import DeclineReason, OfferStatus
from jarnama.creators.schemas import CreatorProfileIn, DeclineIn, DepositIn, OfferCreate
from jarnama.tenancy import service as tenancy
from jarnama.tenancy.models import Account, AccountKind, Role, Scope
from jarnama.tenancy.principal import Principal

DEMO_ACTOR = "demo"
KASPI_CARD = "4400430123456789"
# (display name, handle, platform, followers, audience cities, IIN's first 11 digits)
CREATORS = (
    ("Әйгерім тағамдары", "aigerim.cooks", "instagram", 12_400, {"Almaty": 0.64}, "9005154000"),
    ("Dana Fit", "dana.fit.kz", "tiktok", 18_900, {"Almaty": 0.51, "Astana": 0.22}, "9208114000"),
    ("Arman Family", "arman_family", "telegram", 7_300, {"Almaty": 0.7}, "8802123000"),
)
# (order id, creator index, amount ₸, what happens next)
SALES = (
    ("DEMO-1001", 0, "18500", "approve"),
    ("DEMO-1002", 0, "9200", "approve"),
    ("DEMO-1003", 1, "23400", "approve"),
    ("DEMO-1004", 1, "6100", "decline"),
    ("DEMO-1005", 2, "12750", "decline"),
    ("DEMO-1006", 2, "15300", "pending"),
    ("DEMO-1007", 0, "7800", "pending"),
)


@dataclass(frozen=True, slots=True)
class CreatorDemo:
    """What the creator demo made."""

    creators: int
    offers: int
    conversions: int


def _iin(first_digits: str) -> str:
    """A checksum-valid IIN starting with these digits (serial digits tried in turn)."""
    for serial in range(10):
        first11 = f"{first_digits}{serial}"
        check = iin_check_digit(first11)
        if check is not None:
            return f"{first11}{check}"
    raise RuntimeError(f"no valid IIN starts with {first_digits}")


def _operator() -> Principal:
    """The demo acts as a network admin (it may act for every account)."""
    return Principal(
        actor=DEMO_ACTOR,
        role=Role.NETWORK_ADMIN,
        account_id=None,
        scopes=frozenset(s.value for s in Scope),
        account_ids=frozenset(),
    )


def seed_creators(session: Session, settings: Settings, advertiser: Account) -> CreatorDemo:
    """Seed creators, two offers of `advertiser`, codes, links, clicks and conversions."""
    admin = _operator()
    creator_ids: list[int] = []
    for name, handle, platform, followers, cities, iin in CREATORS:
        account = tenancy.create_account(
            session, DEMO_ACTOR, kind=AccountKind.CREATOR, name=name, external_ref=handle
        )
        body = {
            "account_id": account.id,
            "display_name": name,
            "platforms": [{"platform": platform, "handle": handle, "followers": followers}],
            "audience_cities": cities,
            "categories": ["food"],
            "tax_status": "individual",
            "tax_id": _iin(iin),
            "payout": {"method": "kaspi_card", "number": KASPI_CARD},
        }
        service.save_profile(session, admin, settings, CreatorProfileIn.model_validate(body))
        creator_ids.append(account.id)
    offers = []
    for name, goal in (
        ("Сүт апталығы: 10% of every dairy order", {"kind": "percent", "percent_bp": 1_000}),
        ("First order in the app: 1,500 ₸", {"kind": "fixed", "fixed_tiyn": 150_000}),
    ):
        body = {
            "account_id": advertiser.id,
            "name": name,
            "landing_url": "https://shop.example.kz/dairy?utm_source=jarnama",
            "brief": "Show the product in a real breakfast; start the caption with «Жарнама».",
            "goals": [{"goal": "sale", **goal}],
            "hold_days": 14,
            "cities": ["Almaty", "Astana"],
            "platforms": ["instagram", "tiktok", "telegram"],
        }
        offer, _goals, token, _secret = service.create_offer(
            session, admin, settings, OfferCreate.model_validate(body)
        )
        service.change_offer_status(session, admin, offer.id, OfferStatus.ACTIVE)
        offers.append((offer, token))
        for creator_id in creator_ids:
            participation.apply(session, admin, offer.id, creator_id, "")
    payouts.deposit(
        session,
        admin,
        DepositIn(advertiser_account_id=advertiser.id, amount_tiyn=5_000_000, memo="demo prepay"),
    )
    offer, token = offers[0]
    for creator_id in creator_ids:  # a few shoppers follow each creator's link
        link = repository.links_of(session, offer.id, creator_id)[0]
        for _ in range(3):
            postback.click(session, link.slug, None, "https://instagram.com/")
    for order_id, index, amount, outcome in SALES:
        code = repository.codes_of(session, offer.id, creator_ids[index])[0].code
        params = {"token": token, "order_id": order_id, "amount": amount, "promo_code": code}
        params["city"] = "Almaty"
        result = postback.handle(session, settings, offer.id, postback.PostbackCall(params))
        if outcome == "approve":
            conversions.approve(session, admin, settings, result.conversion_id)
        elif outcome == "decline":
            reason = DeclineReason.ORDER_CANCELLED if index == 1 else DeclineReason.NOT_PAID
            text = "the shopper cancelled" if index == 1 else "never paid at pick-up"
            why = DeclineIn(reason=reason, text=text, evidence=[f"shop order {order_id}"])
            conversions.decline(session, admin, result.conversion_id, why)
    session.flush()
    return CreatorDemo(creators=len(creator_ids), offers=len(offers), conversions=len(SALES))
