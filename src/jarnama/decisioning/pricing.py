"""Clearing prices: generalized second price and first price, in exact integer tiyn.

Scores are quality (ppm) * effective bid (tiyn), exact integers, so the second price is
exact too: the smallest whole tiyn p with quality * p > next score keeps the rank.
"""

from __future__ import annotations

MIN_PRICE_TIYN = 1


def second_price(bid_tiyn: int, quality_ppm: int, next_score: int | None, reserve_tiyn: int) -> int:
    """Pay just enough to keep the rank: next score // own quality + 1, within [reserve, bid].

    Without a competitor below, the winner pays the reserve (at least one tiyn). The caller
    guarantees bid >= max(reserve, 1) and quality >= 1 (the auction rejects anything else).
    """
    floor = max(reserve_tiyn, MIN_PRICE_TIYN)
    if next_score is None:
        return min(bid_tiyn, floor)
    return min(bid_tiyn, max(floor, next_score // quality_ppm + 1))


def first_price(bid_tiyn: int) -> int:
    """Pay the bid (never below the reserve: the auction rejects such bids before pricing)."""
    return bid_tiyn
