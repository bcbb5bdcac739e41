"""Dynamic creative rules: daypart, weekday, temperature, precipitation, traffic; order; default."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.exchange.dco import (
    CampaignSnapshot,
    DcoBook,
    PlayContext,
    Variant,
    choose_variant,
    compile_rules,
)
from jarnama.exchange.ops_models import DcoKind
from jarnama.exchange.signals import Precipitation, Signals

# Tuesday 2030-06-04 in Almaty (UTC+5).
TUE_0830 = dt.datetime(2030, 6, 4, 3, 30, tzinfo=dt.UTC)
TUE_1900 = dt.datetime(2030, 6, 4, 14, 0, tzinfo=dt.UTC)
SAT_1200 = dt.datetime(2030, 6, 8, 7, 0, tzinfo=dt.UTC)
COLD_SNOW = Signals(Decimal("-12.5"), Precipitation.SNOW, Decimal("1.2"), 8)
WARM_DRY = Signals(Decimal("31"), Precipitation.NONE, Decimal(0), 2)


def variant(
    vid: int, rules: dict[str, Any], *, priority: int = 0, default: bool = False
) -> Variant:
    """A variant with rules as the API stores them."""
    return Variant(
        id=vid,
        name=f"v{vid}",
        creative_url=f"https://cdn.example/v{vid}.jpg",
        mime="image/jpeg",
        duration_seconds=10,
        priority=priority,
        is_default=default,
        rules=compile_rules(rules),
    )


# A coffee chain's board: hot drinks when cold, iced when hot, a rush-hour message, a default.
VARIANTS = [
    variant(1, {"temperature_max": "0", "precipitation": ["snow", "rain"]}, priority=1),
    variant(2, {"temperature_min": "25"}, priority=2),
    variant(
        3,
        {
            "dayparts": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "10:00"}
            ],
            "traffic_min": 7,
        },
        priority=0,
    ),
    variant(4, {"days": ["sat", "sun"]}, priority=3),
    variant(9, {}, priority=99, default=True),
]


@pytest.mark.parametrize(
    ("at", "signals", "expected"),
    [
        # Rush hour with heavy traffic beats the weather (priority 0).
        (TUE_0830, COLD_SNOW, 3),
        # Same morning, light traffic: the cold-weather variant.
        (TUE_0830, Signals(Decimal("-3"), Precipitation.SNOW, Decimal(1), 3), 1),
        # Evening and hot: iced drinks.
        (TUE_1900, WARM_DRY, 2),
        # Cold but dry: no precipitation rule holds, a weekday evening: the default.
        (TUE_1900, Signals(Decimal("-3"), Precipitation.NONE, Decimal(0), 3), 9),
        # Saturday, mild: the weekend variant.
        (SAT_1200, Signals(Decimal("18"), Precipitation.NONE, Decimal(0), 1), 4),
        # No signals at all: rules on signals do not hold; Saturday still matches by day.
        (SAT_1200, Signals(), 4),
        (TUE_0830, Signals(), 9),
    ],
)
def test_first_matching_variant_by_priority(
    at: dt.datetime, signals: Signals, expected: int
) -> None:
    chosen = choose_variant(VARIANTS, PlayContext.of(at, signals))
    assert chosen is not None
    assert chosen.id == expected


def test_boundaries_are_inclusive_for_ranges_and_exclusive_at_the_daypart_end() -> None:
    rules = compile_rules(
        {
            "temperature_min": "0",
            "temperature_max": "10",
            "traffic_min": 3,
            "traffic_max": 5,
            "dayparts": [{"days": ["tue"], "start": "08:30", "end": "09:00"}],
        }
    )
    at_0830 = PlayContext.of(TUE_0830, Signals(Decimal("0"), None, None, 3))
    assert rules.hold(at_0830)
    assert rules.hold(PlayContext.of(TUE_0830, Signals(Decimal("10"), None, None, 5)))
    assert not rules.hold(PlayContext.of(TUE_0830, Signals(Decimal("10.01"), None, None, 5)))
    assert not rules.hold(PlayContext.of(TUE_0830, Signals(Decimal("5"), None, None, 6)))
    at_0900 = TUE_0830 + dt.timedelta(minutes=30)
    assert not rules.hold(PlayContext.of(at_0900, Signals(Decimal("5"), None, None, 4)))


def test_unknown_precipitation_does_not_match_a_precipitation_rule() -> None:
    rules = compile_rules({"precipitation": ["none"]})
    assert not rules.hold(PlayContext.of(TUE_1900, Signals()))
    assert rules.hold(PlayContext.of(TUE_1900, WARM_DRY))


def test_ties_in_priority_go_to_the_lower_id_and_without_default_nothing_plays() -> None:
    a, b = variant(5, {}, priority=1), variant(4, {}, priority=1)
    chosen = choose_variant([a, b], PlayContext.of(TUE_1900, Signals()))
    assert chosen is not None
    assert chosen.id == 4
    only_hot = [variant(1, {"temperature_min": "30"})]
    assert choose_variant(only_hot, PlayContext.of(TUE_1900, Signals())) is None


def test_book_prefers_direct_sold_over_house_and_respects_flight_dates() -> None:
    house = CampaignSnapshot(
        id=1,
        kind=DcoKind.HOUSE,
        screen_ids=frozenset({42}),
        starts_at=None,
        ends_at=None,
        variants=(variant(10, {}, default=True),),
    )
    direct = CampaignSnapshot(
        id=2,
        kind=DcoKind.DIRECT,
        screen_ids=frozenset({42}),
        starts_at=TUE_0830,
        ends_at=TUE_1900,
        variants=(variant(20, {}, default=True),),
    )
    book = DcoBook({42: (direct, house)})
    during = book.choose(42, TUE_0830 + dt.timedelta(hours=1), Signals())
    after = book.choose(42, TUE_1900, Signals())
    assert during is not None
    assert (during.campaign_id, during.variant.id) == (2, 20)
    assert after is not None
    assert (after.campaign_id, after.kind) == (1, DcoKind.HOUSE)
    assert book.choose(43, TUE_0830, Signals()) is None


temperatures = st.one_of(
    st.none(), st.decimals(min_value=-40, max_value=45, places=1, allow_nan=False)
)


@given(
    minutes=st.integers(min_value=0, max_value=7 * 24 * 60 - 1),
    temperature=temperatures,
    precipitation=st.one_of(st.none(), st.sampled_from(list(Precipitation))),
    traffic=st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
)
def test_choice_is_deterministic_and_order_independent(
    minutes: int,
    temperature: Decimal | None,
    precipitation: Precipitation | None,
    traffic: int | None,
) -> None:
    at = dt.datetime(2030, 6, 2, 19, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    context = PlayContext.of(at, Signals(temperature, precipitation, None, traffic))
    first = choose_variant(VARIANTS, context)
    again = choose_variant(list(reversed(VARIANTS)), context)
    assert first is not None
    assert again is not None
    assert first.id == again.id
    # The chosen variant's rules hold, and no variant tried before it holds.
    ordered = sorted((v for v in VARIANTS if not v.is_default), key=lambda v: (v.priority, v.id))
    if first.is_default:
        assert not any(v.rules.hold(context) for v in ordered)
    else:
        assert first.rules.hold(context)
        earlier = ordered[: ordered.index(first)]
        assert not any(v.rules.hold(context) for v in earlier)
