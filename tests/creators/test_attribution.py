"""Postback authentication, attribution policies and rejection reasons."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.creators import lifecycle, postback, repository
from jarnama.creators.models import Attribution, ClickModel, ConversionStatus
from jarnama.creators.postback import PostbackCall, PostbackRejected, canonical_query, signature_for
from jarnama.creators.service import contact_hash
from tests.creators.helpers import TABLE, Exchange, build, conversion, fund, later, report


def reject_code(session: Session, ex: Exchange, call: PostbackCall) -> str:
    """The reason code of a refused postback."""
    with pytest.raises(PostbackRejected) as info:
        postback.handle(session, ex.settings, ex.offer.id, call)
    return info.value.code


def test_hmac_signed_get_and_post_are_accepted(session: Session, ex: Exchange) -> None:
    params = {"order_id": "S-1", "amount": "1000", "promo_code": ex.code.lower()}
    signed = dict(params, signature=signature_for(ex.secret, canonical_query(params)))
    assert postback.handle(session, ex.settings, ex.offer.id, PostbackCall(signed)).payout_tiyn
    body = json.dumps({"order_id": "S-2", "amount": "1000", "promo_code": ex.code}).encode()
    call = PostbackCall(
        {"order_id": "S-2", "amount": "1000", "promo_code": ex.code},
        raw_body=body,
        signature=signature_for(ex.secret, body),
    )
    assert not postback.handle(session, ex.settings, ex.offer.id, call).duplicate


def test_every_refusal_says_why(session: Session, ex: Exchange) -> None:
    base = {"token": ex.token, "order_id": "R-1", "amount": "1000", "promo_code": ex.code}
    cases = {
        "bad_token": dict(base, token="nope"),
        "unauthenticated": {k: v for k, v in base.items() if k != "token"},
        "bad_signature": {k: v for k, v in base.items() if k != "token"} | {"signature": "00"},
        "missing_order_id": dict(base, order_id=""),
        "invalid_amount": dict(base, amount="12,5"),
        "unknown_status": dict(base, status="maybe"),
        "unknown_goal": dict(base, goal="lead"),
        "unknown_promo_code": dict(base, promo_code="NOPE-2222"),
        "unknown_click_id": {k: v for k, v in base.items() if k != "promo_code"}
        | {"click_id": "x"},
        "not_attributed": {k: v for k, v in base.items() if k != "promo_code"},
        "invalid_time": dict(base, occurred_at="2026-01-01T00:00:00"),
        "no_exchange_rate": dict(base, currency="EUR"),
    }
    for code, params in cases.items():
        assert reject_code(session, ex, PostbackCall(params)) == code, code
    with pytest.raises(PostbackRejected) as info:
        postback.handle(session, ex.settings, 10**12, PostbackCall(base))
    assert info.value.code == "unknown_offer"
    assert info.value.status_code == 404


def test_a_click_attributes_within_the_window(session: Session, ex: Exchange) -> None:
    url, click_id, visitor = postback.click(session, ex.slug2, None, "https://instagram.com/")
    assert f"jr_click={click_id}" in url
    assert visitor
    result = report(session, ex, "C-1", click_id=click_id)
    c = conversion(session, result.conversion_id)
    assert (c.creator_account_id, c.attributed_by) == (ex.creator2_id, "click")
    stale = repository.click_by_id(session, click_id)
    assert stale is not None
    stale.at = stale.at - dt.timedelta(days=31)
    session.flush()
    params = {"token": ex.token, "order_id": "C-2", "amount": "10", "click_id": click_id}
    assert reject_code(session, ex, PostbackCall(params)) == "click_outside_window"


@pytest.mark.parametrize(
    ("policy", "winner"), [(Attribution.CODE_FIRST, "code"), (Attribution.CLICK_FIRST, "click")]
)
def test_the_offer_policy_decides_between_code_and_click(
    session: Session, settings: Settings, policy: Attribution, winner: str
) -> None:
    ex = build(session, settings, attribution=policy)
    _url, click_id, _v = postback.click(session, ex.slug2, None, None)  # creator 2's click
    c = conversion(
        session, report(session, ex, "P-1", click_id=click_id, promo_code=ex.code).conversion_id
    )
    expected = ex.creator_id if winner == "code" else ex.creator2_id
    assert (c.attributed_by, c.creator_account_id) == (winner, expected)


@pytest.mark.parametrize(("model", "first"), [(ClickModel.FIRST, True), (ClickModel.LAST, False)])
def test_first_or_last_click_of_a_visitor(
    session: Session, settings: Settings, model: ClickModel, first: bool
) -> None:
    ex = build(session, settings, click_model=model)
    _u, _first_click, visitor = postback.click(session, ex.slug, None, None)
    first_click = repository.click_by_id(session, _first_click)
    assert first_click is not None
    first_click.at -= dt.timedelta(hours=2)
    session.flush()
    _u, last_click, _v = postback.click(session, ex.slug2, visitor, None)
    c = conversion(session, report(session, ex, "F-1", click_id=last_click).conversion_id)
    assert c.creator_account_id == (ex.creator_id if first else ex.creator2_id)


def test_self_purchase_goes_to_review_and_is_not_auto_approved(
    session: Session, ex: Exchange
) -> None:
    fund(session, ex, 100_000)
    buyer = contact_hash("Aigerim@Example.kz ")  # the creator's own e-mail
    c = conversion(session, report(session, ex, "SP-1", buyer=buyer).conversion_id)
    assert c.needs_review
    assert c.fraud_score >= 100
    assert c.fraud_reasons[0]["code"] == "self_purchase"
    assert lifecycle.approve_due(session, TABLE, now=later(15)).done == 0
    assert conversion(session, c.id).status is ConversionStatus.PENDING
    kinds = [e.kind for e in repository.events_of(session, c.id)]
    assert kinds == ["reported", "sent_to_review"]


def test_orders_from_outside_the_offer_cities_are_declined(
    session: Session, settings: Settings
) -> None:
    ex = build(session, settings, cities=["Almaty"])
    c = conversion(session, report(session, ex, "G-1", city="Shymkent").conversion_id)
    assert c.status is ConversionStatus.DECLINED
    assert c.decline_reason is not None
    assert c.decline_reason.value == "out_of_scope"
