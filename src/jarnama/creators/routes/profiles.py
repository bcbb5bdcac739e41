"""Creators' profiles and the sponsored posts they submit for the ad-label check."""

from __future__ import annotations

from fastapi import APIRouter

from jarnama.core.pagination import Page
from jarnama.creators import (
    posts,
    service,
)
from jarnama.creators.routes.common import (
    CONFLICT,
    NOT_FOUND,
    Cursor,
    Limit,
    PathId,
)
from jarnama.creators.schemas import (
    CreatorProfileIn,
    CreatorProfileOut,
    PostIn,
    PostOut,
)
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep

router = APIRouter()


@router.put(
    "/profile",
    summary="Create or replace the calling creator's profile.",
    responses=CONFLICT,
)
def save_profile(
    body: CreatorProfileIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CreatorProfileOut:
    """Save the profile; the IIN/BIN and payout details are validated and stored encrypted."""
    return CreatorProfileOut.of(service.save_profile(session, principal, settings, body))


@router.get("/profiles/{account_id}", summary="Show a creator's profile.", responses=NOT_FOUND)
def get_profile(
    account_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CreatorProfileOut:
    """The profile (personal data masked); advertisers see it once the creator applied."""
    profile = service.get_profile(session, principal, account_id)
    notice = (
        None
        if principal.can_access(account_id) and not principal.is_network_admin
        else (service.advertiser_notice(profile, settings))
    )
    return CreatorProfileOut.of(profile, notice)


@router.post(
    "/posts",
    status_code=201,
    summary="Submit a sponsored post for the ad-label check.",
    responses=CONFLICT,
)
def submit_post(body: PostIn, session: SessionDep, principal: PrincipalDep) -> PostOut:
    """Check the caption (and a video's label time) against the approved label list."""
    return PostOut.of(posts.submit(session, principal, body))


@router.get("/posts", summary="List submitted posts and their label checks.")
def list_posts(
    session: SessionDep, principal: PrincipalDep, cursor: Cursor = None, limit: Limit = 50
) -> Page[PostOut]:
    """A creator's own posts, or those for an advertiser's offers."""
    rows, next_cursor = posts.list_posts(session, principal, cursor=cursor, limit=limit)
    return Page(items=[PostOut.of(p) for p in rows], next_cursor=next_cursor)


@router.get("/posts/{post_id}", summary="Show one post and its label check.", responses=NOT_FOUND)
def get_post(post_id: PathId, session: SessionDep, principal: PrincipalDep) -> PostOut:
    """One post, to its creator or the offer's advertiser."""
    return PostOut.of(posts.get(session, principal, post_id))
