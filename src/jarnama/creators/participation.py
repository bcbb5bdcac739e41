"""Creators joining offers: applications, approvals with personal rates, codes and links."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.creators import codes, repository
from jarnama.creators.models import (
    ApprovalMode,
    CodeSource,
    CreatorProfile,
    Offer,
    OfferStatus,
    Participation,
    ParticipationStatus,
    PromoCode,
    TrackedLink,
)
from jarnama.creators.schemas import CodePoolIn, CodePoolReport, DecideIn
from jarnama.creators.service import (
    account_of_kind,
    check_goals,
    ensure_advertiser_side,
    ensure_creator_side,
    offer_for_advertiser,
)
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind
from jarnama.tenancy.principal import Principal

CODE_ATTEMPTS = 40


# --- participation -----------------------------------------------------------------------------


def apply(
    session: Session, principal: Principal, offer_id: int, creator_id: int | None, note: str
) -> Participation:
    """A creator applies to an active offer; automatic offers approve (and issue codes) at once."""
    ensure_creator_side(principal)
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
    ensure_advertiser_side(principal)
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise NotFound("participation not found")
    offer = offer_for_advertiser(session, principal, participation.offer_id)
    check_goals(body.rates)
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
    declared = single_platform(offer, profile)
    if offer.code_source is CodeSource.POOL:
        code = repository.free_pool_code(session, offer.id)
        if code is None:
            raise Conflict(
                "the offer's imported code pool is empty: import more codes first",
                field="codes",
            )
        code.creator_account_id = profile.account_id
        code.assigned_at = utcnow()
        code.platform = declared
    else:
        session.add(
            PromoCode(
                advertiser_account_id=offer.account_id,
                offer_id=offer.id,
                creator_account_id=profile.account_id,
                code=_fresh_code(session, offer, handle),
                source=CodeSource.GENERATED,
                assigned_at=utcnow(),
                platform=declared,
            )
        )
    session.add(_new_link(session, offer, profile.account_id, declared))
    session.flush()


def single_platform(offer: Offer, profile: CreatorProfile) -> str | None:
    """The creator's one platform the offer runs on; None when there are several (or none)."""
    mine = {str(p["platform"]) for p in profile.platforms}
    if offer.platforms:
        mine &= set(offer.platforms)
    return next(iter(mine)) if len(mine) == 1 else None


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
    ensure_creator_side(principal)
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
    ensure_advertiser_side(principal)
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
