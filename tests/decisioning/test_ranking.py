"""The smoothed-CTR ranker: a Beta prior, a category fallback, exact integer ppm."""

from __future__ import annotations

import pytest

from jarnama.decisioning.ranking import EngagementCount, SmoothedCtrRanker, smoothed_ctr_ppm


def test_smoothing_pulls_small_samples_toward_the_prior() -> None:
    assert smoothed_ctr_ppm(0, 0, 0.01, 100) == 10_000
    assert smoothed_ctr_ppm(1, 1, 0.01, 100) == round((1 + 1) / 101 * 1_000_000)
    assert smoothed_ctr_ppm(5_000, 100_000, 0.01, 100) == pytest.approx(50_000, rel=0.01)
    assert smoothed_ctr_ppm(0, 10**9, 0.01, 100) == 1  # never zero: scores stay comparable


def test_new_product_starts_at_its_category_ctr_then_learns_its_own() -> None:
    ranker = SmoothedCtrRanker(prior_alpha=1, prior_beta=99)
    assert ranker.product_quality(1, product_id=7, category_id=11) == 10_000
    ranker.record([EngagementCount(1, 10_000, 500, product_id=8, category_id=11)])
    category_ctr = (500 + 1) / (10_000 + 100)
    assert ranker.product_quality(1, 7, 11) == round(category_ctr * 1_000_000)
    assert ranker.product_quality(1, 8, 11) == pytest.approx(50_000, rel=0.01)
    assert ranker.product_quality(2, 7, 11) == 10_000  # another placement has its own counts


def test_creatives_fall_back_to_the_global_prior() -> None:
    ranker = SmoothedCtrRanker(prior_alpha=2, prior_beta=98)
    assert ranker.creative_quality(2, 5) == 20_000
    ranker.record([EngagementCount(2, 1_000, 100, creative_id=5)])
    assert ranker.creative_quality(2, 5) == round((100 + 2) / 1_100 * 1_000_000)


def test_prior_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SmoothedCtrRanker(prior_alpha=0)
