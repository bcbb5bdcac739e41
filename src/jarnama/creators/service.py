"""Offers, creator profiles, participation, promo codes and tracked links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.creators import codes, identifiers, repository
from jarnama.creators.crypto import PiiCipher
from jarnama.creators.labels import APPROVED_LABELS, normalise
from jarnama.creators.models import (
    CreatorProfile,
    Offer,
    OfferGoal,
    OfferStatus,
    Participation,
)
from jarnama.creators.schemas import (
    CreatorProfileIn,
    GoalIn,
    OfferCreate,
    OfferUpdate,
)
from jarnama.creators.taxes import TaxStatus, tax_table
from jarnama.tenancy import audit
from jarnama.tenancy.models import Account, AccountKind, Role
from jarnama.tenancy.principal import Principal

OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.DRAFT: frozenset({OfferStatus.ACTIVE, OfferStatus.ENDED}),
    OfferStatus.ACTIVE: frozenset({OfferStatus.PAUSED, OfferStatus.ENDED}),
    OfferStatus.PAUSED: frozenset({OfferStatus.ACTIVE, OfferStatus.ENDED}),
    OfferStatus.ENDED: frozenset(),
}


# --- access ------------------------------------------------------------------------------------


def account_of_kind(
    session: Session, principal: Principal, requested: int | None, kind: AccountKind
) -> Account:
    """The account the caller acts for (its own or one it names), which must be of `kind`."""
    account_id = principal.owning_account(requested)
    account = repository.account(session, account_id)
    if account is None:
        raise NotFound("account not found")
    if account.kind is not kind:
        raise InvalidInput(
            f"account {account_id} is not a {kind.value} account", field="account_id"
        )
    return account


def ensure_advertiser_side(principal: Principal) -> None:
    """Raise 403 for creator credentials: offers and their conversions are advertisers' to run."""
    if principal.role is Role.CREATOR:
        raise Forbidden("creator accounts cannot manage offers or decide on conversions")
    principal.ensure_can_write()


def ensure_creator_side(principal: Principal) -> None:
    """Raise 403 unless a creator (or a network admin acting for one) is writing."""
    if not (principal.role is Role.CREATOR or principal.is_network_admin):
        raise Forbidden("only creator accounts (or network admins) may do this")
    principal.ensure_can_write()


def is_creator(principal: Principal) -> bool:
    """True for callers using a creator credential."""
    return principal.role is Role.CREATOR


def offer_for_advertiser(session: Session, principal: Principal, offer_id: int) -> Offer:
    """An offer its advertiser (or an agency, or an admin) may manage; 404 for anyone else."""
    offer = repository.offer(session, offer_id)
    if offer is None or not principal.can_access(offer.account_id):
        raise NotFound("offer not found")
    return offer


def offer_visible(session: Session, principal: Principal, offer_id: int) -> Offer:
    """An offer the caller may see: its advertiser's, or an active or joined one for creators."""
    offer = repository.offer(session, offer_id)
    if offer is None:
        raise NotFound("offer not found")
    if principal.can_access(offer.account_id):
        return offer
    if is_creator(principal) and principal.account_id is not None:
        joined = repository.participation(session, offer.id, principal.account_id)
        if offer.status is OfferStatus.ACTIVE or joined is not None:
            return offer
    raise NotFound("offer not found")


# --- offers ------------------------------------------------------------------------------------


def _check_label(label: str) -> str:
    normalised = normalise(label)
    if normalised not in APPROVED_LABELS:
        raise InvalidInput(
            "required_label must be one of the approved labels: " + ", ".join(APPROVED_LABELS),
            field="required_label",
        )
    return normalised


def check_goals(goals: Sequence[GoalIn]) -> None:
    """Refuse a goal listed twice."""
    if len({g.goal for g in goals}) != len(goals):
        raise InvalidInput("each goal may appear once", field="goals")


def _goal_rows(offer_id: int, goals: Sequence[GoalIn]) -> list[OfferGoal]:
    return [
        OfferGoal(
            offer_id=offer_id,
            goal=g.goal,
            kind=g.kind,
            percent_bp=g.percent_bp,
            fixed_tiyn=g.fixed_tiyn,
        )
        for g in goals
    ]


def postback_token_hash(token: str) -> str:
    """The stored form of a postback token (SHA-256: the token is random, 256 bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_offer(
    session: Session, principal: Principal, settings: Settings, body: OfferCreate
) -> tuple[Offer, list[OfferGoal], str, str]:
    """Create a draft offer; returns it with its goals and its postback token and secret."""
    ensure_advertiser_side(principal)
    advertiser = account_of_kind(session, principal, body.account_id, AccountKind.ADVERTISER)
    check_goals(body.goals)
    codes.validate_pattern(body.code_pattern)
    token = secrets.token_urlsafe(32)
    secret = secrets.token_urlsafe(32)
    offer = Offer(
        account_id=advertiser.id,
        name=body.name.strip(),
        brief=body.brief,
        required_label=_check_label(body.required_label),
        landing_url=body.landing_url,
        product_ids=list(body.product_ids),
        category_ids=list(body.category_ids),
        cities=[c.strip() for c in body.cities],
        platforms=[p.value for p in body.platforms],
        tiers=[t.model_dump() for t in sorted(body.tiers, key=lambda t: t.min_monthly_conversions)],
        daily_cap=body.daily_cap,
        monthly_cap=body.monthly_cap,
        budget_tiyn=body.budget_tiyn,
        hold_days=body.hold_days,
        attribution=body.attribution,
        click_window_days=body.click_window_days,
        click_model=body.click_model,
        approval_mode=body.approval_mode,
        code_source=body.code_source,
        code_pattern=body.code_pattern,
        postback_token_hash=postback_token_hash(token),
        postback_secret_encrypted=PiiCipher.from_settings(settings).encrypt(secret),
    )
    session.add(offer)
    session.flush()
    goals = _goal_rows(offer.id, body.goals)
    session.add_all(goals)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "creator_offer",
        offer.id,
        account_id=offer.account_id,
        after=_offer_snapshot(offer),
    )
    return offer, goals, token, secret


def _offer_snapshot(offer: Offer) -> dict[str, object] | None:
    state = audit.snapshot(offer)
    if state is not None:
        state.pop("postback_token_hash", None)
        state.pop("postback_secret_encrypted", None)
    return state


def update_offer(session: Session, principal: Principal, offer_id: int, body: OfferUpdate) -> Offer:
    """Change an offer's fields (goals are replaced when sent)."""
    ensure_advertiser_side(principal)
    offer = offer_for_advertiser(session, principal, offer_id)
    if offer.status is OfferStatus.ENDED:
        raise Conflict("an ended offer cannot change", field="status")
    before = _offer_snapshot(offer)
    fields = body.model_fields_set
    for name in ("brief", "daily_cap", "monthly_cap", "budget_tiyn"):
        if name in fields:
            setattr(offer, name, getattr(body, name))
    if body.name is not None:
        offer.name = body.name.strip()
    if body.hold_days is not None:
        offer.hold_days = body.hold_days
    if body.required_label is not None:
        offer.required_label = _check_label(body.required_label)
    if body.cities is not None:
        offer.cities = [c.strip() for c in body.cities]
    if body.platforms is not None:
        offer.platforms = [p.value for p in body.platforms]
    if body.tiers is not None:
        offer.tiers = [
            t.model_dump() for t in sorted(body.tiers, key=lambda t: t.min_monthly_conversions)
        ]
    if body.goals is not None:
        check_goals(body.goals)
        for goal in repository.goals(session, [offer.id]):
            session.delete(goal)
        session.flush()
        session.add_all(_goal_rows(offer.id, body.goals))
    session.flush()
    audit.record(
        session,
        principal,
        "update",
        "creator_offer",
        offer.id,
        account_id=offer.account_id,
        before=before,
        after=_offer_snapshot(offer),
    )
    return offer


def change_offer_status(
    session: Session, principal: Principal, offer_id: int, status: OfferStatus
) -> Offer:
    """Move an offer: draft→active|ended, active→paused|ended, paused→active|ended."""
    ensure_advertiser_side(principal)
    offer = offer_for_advertiser(session, principal, offer_id)
    if status not in OFFER_TRANSITIONS[offer.status]:
        raise Conflict(
            f"an offer cannot go from {offer.status.value} to {status.value}", field="status"
        )
    before = _offer_snapshot(offer)
    offer.status = status
    session.flush()
    audit.record(
        session,
        principal,
        "status",
        "creator_offer",
        offer.id,
        account_id=offer.account_id,
        before=before,
        after=_offer_snapshot(offer),
    )
    return offer


def list_offers(
    session: Session,
    principal: Principal,
    *,
    status: OfferStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Offer], str | None]:
    """Offers the caller may see: its own, or (creators) active ones."""
    principal.ensure_can_read()
    if is_creator(principal):
        if status not in (None, OfferStatus.ACTIVE):
            return [], None
        stmt = repository.offers_stmt(None, OfferStatus.ACTIVE.value)
    else:
        stmt = repository.offers_stmt(
            principal.visible_account_ids(), status.value if status else None
        )
    return paginate(session, stmt, Offer.id, cursor=cursor, limit=limit)


def goals_of(session: Session, offers: Sequence[Offer]) -> dict[int, list[OfferGoal]]:
    """Goals by offer id."""
    found: dict[int, list[OfferGoal]] = {o.id: [] for o in offers}
    for goal in repository.goals(session, found):
        found[goal.offer_id].append(goal)
    return found


# --- creator profiles --------------------------------------------------------------------------


def contact_hash(contact: str) -> str:
    """SHA-256 of a normalised phone (digits) or e-mail (lower case), as shops send buyers."""
    value = contact.strip().lower()
    if "@" not in value:
        value = "".join(ch for ch in value if ch.isdigit())
    return hashlib.sha256(value.encode()).hexdigest()


def save_profile(
    session: Session, principal: Principal, settings: Settings, body: CreatorProfileIn
) -> CreatorProfile:
    """Create or replace a creator's profile; the IIN/BIN and payout details are encrypted."""
    ensure_creator_side(principal)
    creator = account_of_kind(session, principal, body.account_id, AccountKind.CREATOR)
    tax_id, kind = identifiers.validate_tax_id(body.tax_id)
    if body.tax_status is not TaxStatus.SIMPLIFIED and kind is identifiers.TaxIdKind.BIN:
        raise InvalidInput("an individual or self-employed creator gives an IIN", field="tax_id")
    cipher = PiiCipher.from_settings(settings)
    index = cipher.blind_index(tax_id)
    holder = repository.profile_by_tax_index(session, index)
    if holder is not None and holder.account_id != creator.id:
        raise Conflict("another creator account is registered with this IIN/BIN", field="tax_id")
    method = number = masked = None
    if body.payout is not None:
        method = body.payout.method
        if method == "kaspi_card":
            number = identifiers.validate_card(body.payout.number, field="payout.number")
        else:
            number = identifiers.validate_kz_iban(body.payout.number, field="payout.number")
        masked = identifiers.mask(number)
    profile = repository.profile(session, creator.id)
    before = audit.snapshot(profile)
    if profile is None:
        profile = CreatorProfile(account_id=creator.id)
        session.add(profile)
    profile.display_name = body.display_name.strip()
    profile.platforms = [p.model_dump(mode="json") for p in body.platforms]
    profile.audience_cities = dict(body.audience_cities)
    profile.categories = list(body.categories)
    profile.tax_status = body.tax_status
    profile.tax_id_kind = kind.value
    profile.tax_id_encrypted = cipher.encrypt(tax_id)
    profile.tax_id_index = index
    profile.tax_id_last4 = tax_id[-4:]
    profile.payout_method = method
    profile.payout_encrypted = cipher.encrypt(number) if number else None
    profile.payout_masked = masked
    profile.own_buyer_hashes = sorted({contact_hash(c) for c in body.own_contacts})
    session.flush()
    audit.record(
        session,
        principal,
        "update" if before else "create",
        "creator_profile",
        creator.id,
        account_id=creator.id,
        before=_profile_snapshot(before),
        after=_profile_snapshot(audit.snapshot(profile)),
    )
    return profile


def _profile_snapshot(state: dict[str, object] | None) -> dict[str, object] | None:
    """A profile's audit state without ciphertexts or hashes."""
    if state is None:
        return None
    for secret in ("tax_id_encrypted", "tax_id_index", "payout_encrypted", "own_buyer_hashes"):
        state.pop(secret, None)
    return state


def get_profile(session: Session, principal: Principal, account_id: int) -> CreatorProfile:
    """A creator's profile: to the creator, admins, and advertisers whose offers it applied to."""
    principal.ensure_can_read()
    profile = repository.profile(session, account_id)
    if profile is None:
        raise NotFound("creator not found")
    if principal.can_access(account_id):
        return profile
    if not is_creator(principal) and principal.account_ids:
        stmt = repository.participations_stmt(principal.account_ids, None, None).where(
            Participation.creator_account_id == account_id
        )
        if session.scalars(stmt.limit(1)).first() is not None:
            return profile
    raise NotFound("creator not found")


def advertiser_notice(profile: CreatorProfile, settings: Settings) -> str | None:
    """The tax notice an advertiser sees about a creator (simplified regime only)."""
    if profile.tax_status is not TaxStatus.SIMPLIFIED:
        return None
    return tax_table(settings).on(utcnow().date()).simplified.advertiser_notice
