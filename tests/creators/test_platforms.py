"""Which platform a sale is credited to: the click's link, the code's platform, the latest post."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jarnama.creators import participation, postback, posts, reports, repository, service
from jarnama.creators.schemas import PostIn
from jarnama.tenancy.models import AccountKind, Role
from tests.creators.helpers import (
    Exchange,
    conversion,
    new_iin,
    principal,
    profile_body,
    report,
)
from tests.factories import account

TWO_PLATFORMS = [
    {"platform": "instagram", "handle": "asel.eats", "followers": 9_000},
    {"platform": "tiktok", "handle": "asel.eats", "followers": 21_000},
]


def _two_platform_creator(session: Session, ex: Exchange) -> tuple[int, str]:
    """A third creator on Instagram and TikTok, approved in the offer; her id and code."""
    asel = account(session, "Asel", AccountKind.CREATOR)
    caller = principal(Role.CREATOR, asel.id)
    body = profile_body("Asel", new_iin(), platforms=TWO_PLATFORMS)
    service.save_profile(session, caller, ex.settings, body)
    participation.apply(session, caller, ex.offer.id, None, "")
    code = repository.codes_of(session, ex.offer.id, asel.id)[0]
    assert code.platform is None  # two platforms: the code names none
    return asel.id, code.code


def _post(session: Session, ex: Exchange, creator_id: int, platform: str) -> None:
    body = PostIn(
        offer_id=ex.offer.id,
        creator_account_id=creator_id,
        platform=platform,
        url=f"https://{platform}.com/p/1",
        caption="Жарнама. Кефир",
    )
    posts.submit(session, principal(Role.NETWORK_ADMIN, None), body)


def test_a_single_platform_creator_s_code_names_that_platform(
    session: Session, ex: Exchange
) -> None:
    code = repository.codes_of(session, ex.offer.id, ex.creator_id)[0]
    assert code.platform == "instagram"
    c = conversion(session, report(session, ex, "PL-1").conversion_id)
    assert (c.platform, c.platform_source) == ("instagram", "code")
    history = repository.events_of(session, c.id)
    assert history[0].data["platform_rule"] == "code"


def test_a_click_on_a_platform_link_wins_over_the_code(session: Session, ex: Exchange) -> None:
    link = participation.add_link(session, ex.creator, ex.offer.id, None, "telegram")
    _url, click_id, _visitor = postback.click(session, link.slug, None, None)
    c = conversion(
        session,
        report(session, ex, "PL-2", click_id=click_id, promo_code=ex.code).conversion_id,
    )
    assert (c.attributed_by, c.platform, c.platform_source) == ("code", "telegram", "link")


def test_code_only_sales_of_a_multi_platform_creator_follow_her_latest_post(
    session: Session, ex: Exchange
) -> None:
    asel, code = _two_platform_creator(session, ex)
    before = conversion(session, report(session, ex, "PL-3", promo_code=code).conversion_id)
    assert (before.platform, before.platform_source) == (None, None)
    _post(session, ex, asel, "instagram")
    _post(session, ex, asel, "tiktok")
    after = conversion(session, report(session, ex, "PL-4", promo_code=code).conversion_id)
    assert (after.platform, after.platform_source) == ("tiktok", "post")
    rows = {r.key: r.conversions for r in reports.report(session, ex.advertiser, "platform").items}
    assert rows == {"unspecified": 1, "tiktok": 1}
