"""An offer's product/category scope against the order lines of a postback."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from jarnama.catalog.models import Category, Product
from jarnama.config import Settings
from jarnama.creators import postback, scope
from jarnama.creators.models import ConversionStatus, DeclineReason
from tests.creators.helpers import Exchange, build, conversion, report


def _catalog(session: Session) -> dict[str, int]:
    """dairy > kefir, bakery; a kefir, a milk (in dairy), a loaf (bakery)."""
    dairy = Category(code="dairy", path="dairy")
    kefir = Category(code="kefir", path="dairy/kefir")
    bakery = Category(code="bakery", path="bakery")
    session.add_all([dairy, kefir, bakery])
    session.flush()
    kefir.parent_id = dairy.id
    items = {
        "KEFIR-1L": kefir.id,
        "MILK-1L": dairy.id,
        "BREAD-1": bakery.id,
    }
    products = {}
    for sku, category_id in items.items():
        product = Product(sku=sku, category_id=category_id, price_tiyn=50_000, name_ru=sku)
        session.add(product)
        session.flush()
        products[sku] = product.id
    return {"dairy": dairy.id, "kefir": kefir.id, "bakery": bakery.id, **products}


@pytest.fixture
def scoped(session: Session, settings: Settings) -> Exchange:
    """The test exchange with an offer scoped to the dairy category (and below)."""
    ids = _catalog(session)
    return build(session, settings, category_ids=[ids["dairy"]])


def test_lines_parse_compact_and_json() -> None:
    assert scope.parse_lines("KEFIR-1L:1290.50; BREAD-1") == [
        scope.OrderLine("KEFIR-1L", Decimal("1290.50")),
        scope.OrderLine("BREAD-1", None),
    ]
    as_json = json.dumps([{"sku": "KEFIR-1L", "amount": "1290"}, {"sku": "BREAD-1"}])
    assert [line.sku for line in scope.parse_lines(as_json)] == ["KEFIR-1L", "BREAD-1"]
    assert scope.parse_lines("") == []
    for bad in ("KEFIR:-1", "KEFIR:abc", "[1, 2]", "[{", ":100"):
        with pytest.raises(scope.LinesError):
            scope.parse_lines(bad)


def test_an_order_with_nothing_in_scope_is_declined_with_its_skus(
    session: Session, scoped: Exchange
) -> None:
    result = report(session, scoped, "SC-1", 2_000, lines="BREAD-1:1500;UNKNOWN-9:500")
    declined = conversion(session, result.conversion_id)
    assert declined.status is ConversionStatus.DECLINED
    assert declined.decline_reason is DeclineReason.OUT_OF_SCOPE
    assert "none of the order's products" in (declined.decline_text or "")
    assert "BREAD-1, UNKNOWN-9" in declined.evidence[0]


def test_a_partly_scoped_order_pays_on_the_in_scope_share(
    session: Session, scoped: Exchange
) -> None:
    # Subcategory kefir counts for the dairy scope; bread does not. 10% of 1,500 of 2,000 ₸
    # ordered, scaled to the 1,800 ₸ actually paid (after a discount): 10% of 1,350 ₸.
    result = report(session, scoped, "SC-2", 1_800, lines="KEFIR-1L:1000;MILK-1L:500;BREAD-1:500")
    paid = conversion(session, result.conversion_id)
    assert paid.status is ConversionStatus.PENDING
    assert paid.payout_tiyn == 135_00
    assert paid.amount_tiyn == 1_800_00


def test_a_partly_scoped_order_without_amounts_goes_to_review(
    session: Session, scoped: Exchange
) -> None:
    result = report(session, scoped, "SC-3", 2_000, lines="KEFIR-1L;BREAD-1", status="approved")
    flagged = conversion(session, result.conversion_id)
    assert flagged.status is ConversionStatus.PENDING  # not approved by the shop's word alone
    assert flagged.needs_review
    assert flagged.payout_tiyn == 200_00


def test_no_lines_or_no_scope_checks_nothing(
    session: Session, scoped: Exchange, settings: Settings
) -> None:
    assert not report(session, scoped, "SC-4", 1_000).duplicate  # no lines: shop vouches
    unscoped = build(session, settings)
    result = report(session, unscoped, "SC-5", 1_000, lines="BREAD-1:1000")
    assert conversion(session, result.conversion_id).status is ConversionStatus.PENDING


def test_a_product_listed_by_id_is_in_scope(session: Session, settings: Settings) -> None:
    ids = _catalog(session)
    ex = build(session, settings, product_ids=[ids["BREAD-1"]])
    result = report(session, ex, "SC-6", 1_000, lines="BREAD-1:1000")
    assert conversion(session, result.conversion_id).payout_tiyn == 100_00


def test_malformed_lines_are_refused_with_a_reason(session: Session, scoped: Exchange) -> None:
    with pytest.raises(postback.PostbackRejected) as info:
        report(session, scoped, "SC-7", 1_000, lines="KEFIR-1L:lots")
    assert info.value.code == "invalid_lines"
    assert info.value.field == "lines"


def test_json_post_bodies_carry_lines_as_a_list(session: Session, scoped: Exchange) -> None:
    body = json.dumps(
        {"token": scoped.token, "order_id": "SC-8", "amount": 1000, "promo_code": scoped.code,
         "lines": [{"sku": "BREAD-1", "amount": 1000.0}]}
    ).encode()  # fmt: skip
    params = postback.parse_body(body, "application/json")
    result = postback.handle(
        session, scoped.settings, scoped.offer.id, postback.PostbackCall(params)
    )
    assert conversion(session, result.conversion_id).decline_reason is DeclineReason.OUT_OF_SCOPE
