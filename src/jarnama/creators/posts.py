"""Sponsored posts creators submit for an offer, each checked for the legal ad label."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.creators import labels, repository
from jarnama.creators.models import PostSubmission
from jarnama.creators.participation import approved_participation
from jarnama.creators.schemas import PostIn
from jarnama.creators.service import ensure_creator_side
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal


def submit(session: Session, principal: Principal, body: PostIn) -> PostSubmission:
    """Record a post and its label check; a failed check is kept (and flags conversions)."""
    ensure_creator_side(principal)
    offer, participation = approved_participation(
        session, principal, body.offer_id, body.creator_account_id
    )
    if offer.platforms and body.platform.value not in offer.platforms:
        raise InvalidInput("the offer does not run on this platform", field="platform")
    check = labels.check_post(
        body.caption,
        media=body.media,
        label_at_seconds=body.label_at_seconds,
        ad_starts_at_seconds=body.ad_starts_at_seconds,
    )
    problems = list(check.problems)
    if check.ok and check.label != offer.required_label:
        # Any approved label is legal; the offer's own choice is a brief requirement only.
        problems.append(f"the brief asks for «{offer.required_label}» (found «{check.label}»)")
    post = PostSubmission(
        offer_id=offer.id,
        advertiser_account_id=offer.account_id,
        creator_account_id=participation.creator_account_id,
        platform=body.platform.value,
        url=body.url,
        media=body.media,
        caption=body.caption,
        label_at_seconds=body.label_at_seconds,
        ad_starts_at_seconds=body.ad_starts_at_seconds,
        label_ok=check.ok,
        label_found=check.label,
        label_problems=problems,
    )
    session.add(post)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "creator_post",
        post.id,
        account_id=post.creator_account_id,
        after=audit.snapshot(post),
    )
    return post


def get(session: Session, principal: Principal, post_id: int) -> PostSubmission:
    """A post, to its creator or the offer's advertiser."""
    principal.ensure_can_read()
    post = repository.post(session, post_id)
    offer = repository.offer(session, post.offer_id) if post else None
    if (
        post is None
        or offer is None
        or not (
            principal.can_access(post.creator_account_id) or principal.can_access(offer.account_id)
        )
    ):
        raise NotFound("post not found")
    return post


def list_posts(
    session: Session, principal: Principal, *, cursor: str | None, limit: int
) -> tuple[list[PostSubmission], str | None]:
    """Posts the caller may see."""
    principal.ensure_can_read()
    ids = principal.visible_account_ids()
    stmt = repository.posts_stmt(ids, ids)
    return paginate(session, stmt, PostSubmission.id, cursor=cursor, limit=limit)
