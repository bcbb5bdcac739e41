"""Banner and screen creatives and their review by the network admin."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from jarnama.campaigns import repository
from jarnama.campaigns.access import ensure_admin_writer, ensure_can_read, visible_accounts
from jarnama.campaigns.models import (
    AdGroup,
    AdGroupKind,
    AdGroupStatus,
    Creative,
    CreativeStatus,
)
from jarnama.campaigns.schemas import CreativeCreate, CreativeUpdate
from jarnama.campaigns.targeting import placement_fits
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

# What shoppers see; changing any of these sends an approved creative back to review.
CONTENT_FIELDS = ("asset_url", "width", "height", "landing_url")


def https_url(value: str, field: str) -> str:
    """`value` if it is an absolute https:// URL with a host and no credentials."""
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        raise InvalidInput(f"{field} is not a URL", field=field) from None
    if parts.scheme != "https" or not parts.hostname:
        # Retailer pages are served over https; browsers block http assets and links warn.
        raise InvalidInput(f"{field} must be an https:// URL", field=field)
    if parts.username or parts.password or any(ch.isspace() for ch in text):
        raise InvalidInput(f"{field} must not carry credentials or spaces", field=field)
    return text


def _check_content(session: Session, ad_group: AdGroup, creative: Creative) -> None:
    """URLs are https and the size is one a placement of the ad group shows."""
    creative.asset_url = https_url(creative.asset_url, "asset_url")
    if creative.landing_url is not None and creative.landing_url.strip():
        creative.landing_url = https_url(creative.landing_url, "landing_url")
    else:
        creative.landing_url = None
    if ad_group.kind is AdGroupKind.BANNER and creative.landing_url is None:
        raise InvalidInput("a banner needs a landing_url", field="landing_url")
    fitting = [
        placement
        for placement in repository.placements(session)
        if placement_fits(ad_group.kind, placement)
        and (not ad_group.placement_codes or placement.code in ad_group.placement_codes)
    ]
    # A screen placement without a declared size takes any size (the player scales).
    if any(p.width is None or p.height is None for p in fitting):
        return
    sizes = sorted({(p.width, p.height) for p in fitting if p.width and p.height})
    if (creative.width, creative.height) not in sizes:
        known = ", ".join(f"{w}x{h}" for w, h in sizes) or "none"
        raise InvalidInput(
            f"no {ad_group.kind.value} placement of this ad group is "
            f"{creative.width}x{creative.height}; sizes: {known}",
            field="width",
        )


def get_creative(session: Session, principal: Principal, creative_id: int) -> Creative:
    """A creative the caller may see (404 otherwise, also for other tenants' creatives)."""
    ensure_can_read(principal)
    creative = repository.creative_by_id(session, creative_id)
    if creative is None:
        raise NotFound("creative not found")
    principal.ensure_access(creative.account_id, "creative")
    return creative


def list_creatives(
    session: Session,
    principal: Principal,
    *,
    ad_group_id: int | None,
    status: CreativeStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Creative], str | None]:
    """One page of the creatives the caller may see (admins: the review queue with status)."""
    ensure_can_read(principal)
    stmt = repository.creatives(visible_accounts(principal), ad_group_id=ad_group_id, status=status)
    return paginate(session, stmt, Creative.id, cursor=cursor, limit=limit)


def _writable_ad_group(session: Session, principal: Principal, ad_group_id: int) -> AdGroup:
    ad_group = repository.ad_group_by_id(session, ad_group_id)
    if ad_group is None or not principal.can_access(ad_group.account_id):
        raise NotFound("ad group not found", field="ad_group_id")
    if ad_group.status is AdGroupStatus.ARCHIVED:
        raise Conflict("an archived ad group takes no creative changes", field="ad_group_id")
    return ad_group


def create_creative(session: Session, principal: Principal, body: CreativeCreate) -> Creative:
    """Add a creative to a banner or screen ad group; it waits for review."""
    principal.ensure_can_write()
    ad_group = _writable_ad_group(session, principal, body.ad_group_id)
    if ad_group.kind is AdGroupKind.SPONSORED_LISTING:
        raise InvalidInput(
            "sponsored listing ad groups promote products, not creatives", field="ad_group_id"
        )
    creative = Creative(
        ad_group_id=ad_group.id,
        account_id=ad_group.account_id,
        name=body.name.strip(),
        asset_url=body.asset_url,
        width=body.width,
        height=body.height,
        landing_url=body.landing_url,
        status=CreativeStatus.PENDING,
    )
    _check_content(session, ad_group, creative)
    session.add(creative)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "creative",
        creative.id,
        account_id=creative.account_id,
        after=audit.snapshot(creative),
    )
    return creative


def update_creative(
    session: Session, principal: Principal, creative_id: int, body: CreativeUpdate
) -> Creative:
    """Change a creative; a change to what shoppers see sends it back to pending review."""
    principal.ensure_can_write()
    creative = get_creative(session, principal, creative_id)
    ad_group = _writable_ad_group(session, principal, creative.ad_group_id)
    before = audit.snapshot(creative)
    given = body.model_fields_set
    for field in ("name", "asset_url", "width", "height"):
        if field in given and getattr(body, field) is None:
            raise InvalidInput(f"{field} cannot be null", field=field)
    if body.name is not None:
        creative.name = body.name.strip()
    content_changed = False
    for field in CONTENT_FIELDS:
        if field in given and getattr(body, field) != getattr(creative, field):
            setattr(creative, field, getattr(body, field))
            content_changed = True
    if content_changed:
        _check_content(session, ad_group, creative)
        creative.status = CreativeStatus.PENDING
        creative.rejection_reason = None
        creative.reviewed_by = None
        creative.reviewed_at = None
    creative.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "update",
        "creative",
        creative.id,
        account_id=creative.account_id,
        before=before,
        after=audit.snapshot(creative),
        note="back to pending review" if content_changed else None,
    )
    return creative


def _review(
    session: Session,
    principal: Principal,
    creative_id: int,
    target: CreativeStatus,
    reason: str | None,
) -> Creative:
    ensure_admin_writer(principal)
    creative = get_creative(session, principal, creative_id)
    if creative.status is target:
        raise Conflict(f"the creative is already {target.value}", field="status")
    before = audit.snapshot(creative)
    creative.status = target
    creative.rejection_reason = reason
    creative.reviewed_by = principal.actor
    creative.reviewed_at = utcnow()
    creative.updated_at = creative.reviewed_at
    session.flush()
    audit.record(
        session,
        principal,
        "approve" if target is CreativeStatus.APPROVED else "reject",
        "creative",
        creative.id,
        account_id=creative.account_id,
        before=before,
        after=audit.snapshot(creative),
        note=reason,
    )
    return creative


def approve_creative(session: Session, principal: Principal, creative_id: int) -> Creative:
    """Approve a creative so it may serve (network admins only)."""
    return _review(session, principal, creative_id, CreativeStatus.APPROVED, None)


def reject_creative(
    session: Session, principal: Principal, creative_id: int, reason: str
) -> Creative:
    """Reject a creative with a reason the advertiser sees (network admins only)."""
    text = reason.strip()
    if not text:
        raise InvalidInput("a rejection needs a reason", field="reason")
    return _review(session, principal, creative_id, CreativeStatus.REJECTED, text)
