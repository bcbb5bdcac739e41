"""Offers, creator profiles, participation, promo codes and tracked links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.creators import codes, identifiers, repository
from jarnama.creators.crypto import PiiCipher
from jarnama.creators.labels import APPROVED_LABELS, normalise
from jarnama.creators.models import (
    ApprovalMode,
    CodeSource,
    CreatorProfile,
    Offer,
    OfferGoal,
    OfferStatus,
    Participation,
    ParticipationStatus,
    PromoCode,
    TrackedLink,
)
from jarnama.creators.schemas import (
    CodePoolIn,
    CodePoolReport,
    CreatorProfileIn,
    DecideIn,
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
CODE_ATTEMPTS = 40


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


def _check_goals(goals: Sequence[GoalIn]) -> None:
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
    principal.ensure_can_write()
    advertiser = account_of_kind(session, principal, body.account_id, AccountKind.ADVERTISER)
    _check_goals(body.goals)
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
    principal.ensure_can_write()
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
        _check_goals(body.goals)
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
    principal.ensure_can_write()
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
    principal.ensure_can_write()
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


# --- participation -----------------------------------------------------------------------------


def apply(
    session: Session, principal: Principal, offer_id: int, creator_id: int | None, note: str
) -> Participation:
    """A creator applies to an active offer; automatic offers approve (and issue codes) at once."""
    principal.ensure_can_write()
    creator = account_of_kind(session, principal, creator_id, AccountKind.CREATOR)
    offer = repository.offer(session, offer_id)
    if offer is None or (
        offer.status is not OfferStatus.ACTIVE and not principal.can_access(offer.account_id)
    ):
        raise NotFound("offer not found")
    if offer.status is not OfferStatus.ACTIVE:
        raise Conflict("the offer is not active", field="offer_id")
    profile = repository.profile(session, creator.id)
    if profile is None:
        raise Conflict("complete the creator profile before applying", field="profile")
    if offer.platforms and not {p["platform"] for p in profile.platforms} & set(offer.platforms):
        raise InvalidInput(
            "the offer runs on " + ", ".join(offer.platforms) + ": add one of them to the profile",
            field="platforms",
        )
    if repository.participation(session, offer.id, creator.id) is not None:
        raise Conflict("already applied to this offer", field="offer_id")
    participation = Participation(
        offer_id=offer.id,
        creator_account_id=creator.id,
        status=ParticipationStatus.PENDING,
        note=note,
        rates={},
    )
    session.add(participation)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "creator_participation",
        participation.id,
        account_id=creator.id,
        after=audit.snapshot(participation),
    )
    if offer.approval_mode is ApprovalMode.AUTOMATIC:
        _approve(session, principal, offer, participation, profile)
    return participation


def decide(
    session: Session, principal: Principal, participation_id: int, body: DecideIn
) -> Participation:
    """The advertiser approves (optionally with personal rates) or rejects an application."""
    principal.ensure_can_write()
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise NotFound("participation not found")
    offer = offer_for_advertiser(session, principal, participation.offer_id)
    _check_goals(body.rates)
    offered = {g.goal for g in repository.goals(session, [offer.id])}
    for rate in body.rates:
        if rate.goal not in offered:
            raise InvalidInput(f"the offer has no goal '{rate.goal.value}'", field="rates")
    before = audit.snapshot(participation)
    participation.rates = {r.goal.value: r.model_dump(mode="json") for r in body.rates}
    participation.note = body.note or participation.note
    if body.approve:
        profile = repository.profile(session, participation.creator_account_id)
        if profile is None:
            raise Conflict("the creator has no profile", field="participation_id")
        if participation.status is ParticipationStatus.APPROVED:
            session.flush()
        else:
            _approve(session, principal, offer, participation, profile)
    else:
        if participation.status is ParticipationStatus.APPROVED:
            raise Conflict("an approved creator cannot be rejected; end the offer instead")
        participation.status = ParticipationStatus.REJECTED
        participation.decided_at = utcnow()
        session.flush()
    audit.record(
        session,
        principal,
        "decide",
        "creator_participation",
        participation.id,
        account_id=offer.account_id,
        before=before,
        after=audit.snapshot(participation),
    )
    return participation


def _approve(
    session: Session,
    principal: Principal,
    offer: Offer,
    participation: Participation,
    profile: CreatorProfile,
) -> None:
    """Approve a participation and give the creator a promo code and a link."""
    participation.status = ParticipationStatus.APPROVED
    participation.decided_at = utcnow()
    handle = profile.platforms[0]["handle"] if profile.platforms else profile.display_name
    if offer.code_source is CodeSource.POOL:
        code = repository.free_pool_code(session, offer.id)
        if code is None:
            raise Conflict(
                "the offer's imported code pool is empty: import more codes first",
                field="codes",
            )
        code.creator_account_id = profile.account_id
        code.assigned_at = utcnow()
    else:
        session.add(
            PromoCode(
                advertiser_account_id=offer.account_id,
                offer_id=offer.id,
                creator_account_id=profile.account_id,
                code=_fresh_code(session, offer, handle),
                source=CodeSource.GENERATED,
                assigned_at=utcnow(),
            )
        )
    session.add(_new_link(session, offer, profile.account_id, None))
    session.flush()


def _fresh_code(session: Session, offer: Offer, handle: str) -> str:
    """A code from the offer's pattern that the advertiser does not have yet."""
    for _ in range(CODE_ATTEMPTS):
        candidate = codes.render(offer.code_pattern, handle)
        if not repository.code_exists(session, offer.account_id, candidate):
            return candidate
    raise Conflict(
        "could not draw an unused code from the pattern: add more # or ? positions",
        field="code_pattern",
    )


def _new_link(session: Session, offer: Offer, creator_id: int, platform: str | None) -> TrackedLink:
    for _ in range(CODE_ATTEMPTS):
        slug = codes.new_slug()
        if repository.link_by_slug(session, slug) is None:
            return TrackedLink(
                slug=slug, offer_id=offer.id, creator_account_id=creator_id, platform=platform
            )
    raise Conflict("could not draw an unused link slug")  # 36^8 slugs: practically never


def approved_participation(
    session: Session, principal: Principal, offer_id: int, creator_id: int | None
) -> tuple[Offer, Participation]:
    """The caller's approved participation in an offer (creators, or admins naming one)."""
    creator = account_of_kind(session, principal, creator_id, AccountKind.CREATOR)
    participation = repository.participation(session, offer_id, creator.id)
    if participation is None:
        raise NotFound("participation not found")
    if participation.status is not ParticipationStatus.APPROVED:
        raise Conflict("the participation is not approved", field="offer_id")
    offer = repository.offer(session, offer_id)
    assert offer is not None  # a participation's offer exists (foreign key)
    return offer, participation


def add_link(
    session: Session,
    principal: Principal,
    offer_id: int,
    creator_id: int | None,
    platform: str | None,
) -> TrackedLink:
    """Another tracked link (e.g. one per platform) for an approved creator."""
    principal.ensure_can_write()
    offer, participation = approved_participation(session, principal, offer_id, creator_id)
    if platform is not None and offer.platforms and platform not in offer.platforms:
        raise InvalidInput("the offer does not run on this platform", field="platform")
    link = _new_link(session, offer, participation.creator_account_id, platform)
    session.add(link)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "creator_link",
        link.id,
        account_id=participation.creator_account_id,
        after=audit.snapshot(link),
    )
    return link


def list_participations(
    session: Session,
    principal: Principal,
    *,
    offer_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Participation], str | None]:
    """Participations the caller may see: in its offers, or its own."""
    principal.ensure_can_read()
    ids = principal.visible_account_ids()
    stmt = repository.participations_stmt(ids, ids, offer_id)
    return paginate(session, stmt, Participation.id, cursor=cursor, limit=limit)


def get_participation(
    session: Session, principal: Principal, participation_id: int
) -> Participation:
    """One participation, to its creator or the offer's advertiser."""
    principal.ensure_can_read()
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise NotFound("participation not found")
    offer = repository.offer(session, participation.offer_id)
    if not (
        principal.can_access(participation.creator_account_id)
        or (offer is not None and principal.can_access(offer.account_id))
    ):
        raise NotFound("participation not found")
    return participation


# --- code pools --------------------------------------------------------------------------------


def import_codes(
    session: Session, principal: Principal, offer_id: int, body: CodePoolIn
) -> CodePoolReport:
    """Import promo codes from the advertiser's shop into an offer's pool."""
    principal.ensure_can_write()
    offer = offer_for_advertiser(session, principal, offer_id)
    if offer.code_source is not CodeSource.POOL:
        raise Conflict("this offer generates its codes; it takes no imported pool", field="codes")
    wanted = list(dict.fromkeys(codes.normalise_code(c) for c in body.codes))
    bad = [c for c in wanted if not c.replace("-", "").replace("_", "").isalnum()]
    if bad:
        raise InvalidInput(
            f"codes may hold letters, digits, - and _ only: {bad[:5]}", field="codes"
        )
    taken = repository.existing_codes(session, offer.account_id, wanted)
    fresh = [c for c in wanted if c not in taken]
    session.add_all(
        PromoCode(
            advertiser_account_id=offer.account_id,
            offer_id=offer.id,
            code=c,
            source=CodeSource.POOL,
        )
        for c in fresh
    )
    session.flush()
    audit.record(
        session,
        principal,
        "import",
        "creator_code_pool",
        offer.id,
        account_id=offer.account_id,
        note=f"{len(fresh)} codes imported, {len(taken)} known",
    )
    return CodePoolReport(
        imported=len(fresh),
        duplicates=sorted(taken)[:100],
        free=repository.count_free_pool_codes(session, offer.id),
    )
