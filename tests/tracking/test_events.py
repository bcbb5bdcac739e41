"""The event model: JSON round trips, required time zones, MRC viewability."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from jarnama.tracking import events as ev

from .helpers import T0, ad, purchase


def test_every_kind_round_trips_through_json_with_its_tag() -> None:
    samples: list[ev.Event] = [
        ev.Impression(id="i1", at=T0, ad=ad(), visible_percent=60, visible_ms=1200),
        ev.Click(id="c1", at=T0, ad=ad(), user_agent="Mozilla/5.0"),
        ev.AddToCart(id="a1", at=T0, sku="SKU-1", quantity=2, user_id="u1"),
        purchase("p1"),
        ev.Play(
            id="pl1",
            at=T0,
            screen_id="ALA-SCR-7",
            creative_id=3,
            duration_ms=15_000,
            audience_multiplier=12.5,
        ),
        ev.Conversion(
            id="cv1",
            at=T0,
            offer_id=1,
            creator_id=2,
            order_id="o1",
            amount_tiyn=150_000,
            promo_code="AIGUL10",
        ),
    ]
    for event in samples:
        data = ev.encode(event)
        assert msgspec.json.decode(data)["kind"] == event.kind_name
        assert ev.decode(data) == event


def test_naive_instants_and_bad_lines_are_refused_with_their_path() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"timezone.*\$\.at"):
        ev.decode_purchase(
            b'{"id":"p","at":"2026-03-01T10:00:00","order_id":"o","channel":"store",'
            b'"lines":[{"sku":"S","quantity":1,"unit_price_tiyn":1}]}'
        )
    with pytest.raises(msgspec.ValidationError, match=r"\$\.lines\[0\]\.quantity"):
        ev.decode_purchase(
            b'{"id":"p","at":"2026-03-01T10:00:00Z","order_id":"o","channel":"store",'
            b'"lines":[{"sku":"S","quantity":0,"unit_price_tiyn":1}]}'
        )


@pytest.mark.parametrize(
    ("percent", "ms", "video", "viewable"),
    [
        (50, 1000, False, True),  # exactly the MRC display threshold
        (49, 5000, False, False),
        (100, 999, False, False),
        (50, 1999, True, False),  # video needs 2 s
        (50, 2000, True, True),
        (None, None, False, False),  # rendered, never measured
    ],
)
def test_mrc_viewability(percent: int | None, ms: int | None, video: bool, viewable: bool) -> None:
    impression = ev.Impression(
        id="i", at=T0, ad=ad(), visible_percent=percent, visible_ms=ms, video=video
    )
    assert impression.viewable is viewable


def test_the_day_partition_is_the_utc_day() -> None:
    almaty_morning = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert ev.day_of(purchase("p", almaty_morning)) == dt.date(2026, 3, 1)
