"""Reports per offer, creator and platform, and who sees which rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jarnama.core.time import ALMATY
from jarnama.creators import lifecycle, participation, postback, reports
from jarnama.creators.models import DeclineReason
from jarnama.tenancy.models import Role
from tests.creators.helpers import ADMIN, TABLE, Exchange, conversion, fund, principal, report


def _activity(session: Session, ex: Exchange) -> None:
    """Aigerim: 3 clicks on an Instagram link and 1 plain; 1 approved, 1 declined, 1 pending.
    Dana: 1 click, 1 approved by click."""
    fund(session, ex, 100_000)
    insta = participation.add_link(session, ex.creator, ex.offer.id, None, "instagram")
    for _ in range(3):
        postback.click(session, insta.slug, None, None)
    postback.click(session, ex.slug, None, None)
    approved = conversion(session, report(session, ex, "R-1", 10_000).conversion_id)
    lifecycle.approve(session, approved, "test", TABLE)
    declined = conversion(session, report(session, ex, "R-2", 5_000).conversion_id)
    lifecycle.decline(session, declined, "test", DeclineReason.FRAUD, "bot", ["log"])
    report(session, ex, "R-3", 2_000)
    _u, dana_click, _v = postback.click(session, ex.slug2, None, None)
    dana = conversion(
        session, report(session, ex, "R-4", 20_000, click_id=dana_click).conversion_id
    )
    lifecycle.approve(session, dana, "test", TABLE)


def test_by_creator_for_the_advertiser(session: Session, ex: Exchange) -> None:
    _activity(session, ex)
    out = reports.report(session, ex.advertiser, "creator")
    rows = {r.creator_account_id: r for r in out.items}
    aigerim, dana = rows[ex.creator_id], rows[ex.creator2_id]
    assert (aigerim.clicks, aigerim.conversions, aigerim.approved, aigerim.declined) == (4, 3, 1, 1)
    assert aigerim.pending == 1
    assert aigerim.approval_rate == 0.5
    assert aigerim.earnings_tiyn == 1_000_00  # 10% of 10,000 ₸
    assert aigerim.earnings_per_click_tiyn == 250_00
    assert aigerim.tax_withheld_tiyn > 0  # an individual: income tax withheld
    assert aigerim.label == "Aigerim"
    assert (dana.clicks, dana.earnings_tiyn, dana.approval_rate) == (1, 2_000_00, 1.0)
    assert out.items[0].creator_account_id == ex.creator2_id  # biggest earnings first


def test_a_creator_sees_only_its_own_rows(session: Session, ex: Exchange) -> None:
    _activity(session, ex)
    out = reports.report(session, ex.creator, "offer")
    assert len(out.items) == 1
    row = out.items[0]
    assert (row.advertiser_account_id, row.clicks, row.conversions) == (ex.advertiser_id, 4, 3)
    assert {r.creator_account_id for r in reports.report(session, ex.creator, "creator").items} == {
        ex.creator_id
    }
    other = principal(Role.ACCOUNT_ADMIN, ex.other_advertiser_id)
    assert reports.report(session, other, "offer").items == []
    assert len(reports.report(session, ADMIN, "creator").items) == 2


def test_by_platform_and_csv(session: Session, ex: Exchange) -> None:
    _activity(session, ex)
    telegram = participation.add_link(session, ex.creator, ex.offer.id, None, "telegram")
    postback.click(session, telegram.slug, None, None)
    out = reports.report(session, ex.advertiser, "platform")
    rows = {r.key: r for r in out.items}
    # Both creators are on Instagram only: their codes and first links are Instagram's.
    assert (rows["instagram"].clicks, rows["instagram"].conversions) == (5, 4)
    assert (rows["telegram"].clicks, rows["telegram"].conversions) == (1, 0)
    assert rows["instagram"].approved == 2
    text = reports.report_csv(out)
    header, *lines = text.splitlines()
    assert header.startswith("key,label,clicks,conversions,approved")
    assert [line.split(",")[0] for line in lines] == ["instagram", "telegram"]


def test_date_window(session: Session, ex: Exchange) -> None:
    _activity(session, ex)
    today = dt.datetime.now(ALMATY).date()
    assert reports.report(session, ex.advertiser, "offer", since=today, until=today).items
    tomorrow = today + dt.timedelta(days=1)
    assert reports.report(session, ex.advertiser, "offer", since=tomorrow).items == []
