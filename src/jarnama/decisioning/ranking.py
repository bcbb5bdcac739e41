"""Quality for ranking: a `Ranker` protocol and the default smoothed-CTR ranker.

Quality is an integer in parts per million (a predicted CTR of 1.2 % is 12_000), so
score = quality * effective bid is an exact integer and second prices are exact too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

PPM = 1_000_000


class Ranker(Protocol):
    """Predicts the quality (CTR in parts per million, 1..1_000_000) of showing an item."""

    def product_quality(self, placement_id: int, product_id: int, category_id: int | None) -> int:
        """Quality of a sponsored product in a placement."""
        ...

    def product_quality_table(self, placement_id: int) -> Mapping[int, int]:
        """Qualities of products in a placement known so far (others: `product_quality`)."""
        ...

    def creative_quality(self, placement_id: int, creative_id: int) -> int:
        """Quality of a banner or screen creative in a placement."""
        ...


@dataclass(frozen=True, slots=True)
class EngagementCount:
    """Impressions and clicks of one item (product or creative) in one placement."""

    placement_id: int
    impressions: int
    clicks: int
    product_id: int | None = None
    creative_id: int | None = None
    category_id: int | None = None


def smoothed_ctr_ppm(clicks: int, impressions: int, prior_ctr: float, strength: float) -> int:
    """Posterior-mean CTR under a Beta prior of mean `prior_ctr` and weight `strength`, in ppm."""
    clicks = max(0, min(clicks, impressions))
    ctr = (clicks + prior_ctr * strength) / (max(0, impressions) + strength)
    return max(1, min(PPM, round(ctr * PPM)))


class SmoothedCtrRanker:
    """CTR per item and placement, smoothed toward its category's CTR, then a global prior.

    With a Beta(a, b) prior the category CTR is (clicks + a) / (impressions + a + b); an item's
    CTR is (clicks + m * category CTR) / (impressions + m) with m = a + b pseudo-impressions.
    A new product thus starts at its category's CTR and earns its own with data. Reads take
    no lock (the caches are replaced, never edited in place); `record` is thread-safe.
    """

    def __init__(self, prior_alpha: float = 1.0, prior_beta: float = 99.0) -> None:
        """A ranker with a Beta(prior_alpha, prior_beta) prior (default mean 1 %)."""
        if prior_alpha <= 0 or prior_beta <= 0:
            raise ValueError("Beta prior parameters must be positive")
        self._alpha = prior_alpha
        self._strength = prior_alpha + prior_beta
        self._prior = prior_alpha / self._strength
        self._lock = threading.Lock()
        self._items: dict[tuple[int, str, int], tuple[int, int]] = {}
        self._categories: dict[tuple[int, int], tuple[int, int]] = {}
        self._product_cache: dict[int, dict[int, int]] = {}
        self._creative_cache: dict[int, dict[int, int]] = {}
        self._category_cache: dict[tuple[int, int], float] = {}

    def record(self, counts: Iterable[EngagementCount]) -> None:
        """Add impression and click counts (e.g. each minute from the events); thread-safe."""
        with self._lock:
            for count in counts:
                if count.product_id is not None:
                    key = (count.placement_id, "p", count.product_id)
                elif count.creative_id is not None:
                    key = (count.placement_id, "c", count.creative_id)
                else:
                    continue
                seen, clicked = self._items.get(key, (0, 0))
                self._items[key] = (seen + count.impressions, clicked + count.clicks)
                if count.category_id is not None:
                    ckey = (count.placement_id, count.category_id)
                    seen, clicked = self._categories.get(ckey, (0, 0))
                    self._categories[ckey] = (seen + count.impressions, clicked + count.clicks)
            self._product_cache = {}
            self._creative_cache = {}
            self._category_cache = {}

    def product_quality(self, placement_id: int, product_id: int, category_id: int | None) -> int:
        """Smoothed CTR (ppm) of a product in a placement, falling back to its category's."""
        cache = self._product_cache.get(placement_id)
        if cache is None:
            cache = self._product_cache.setdefault(placement_id, {})
        quality = cache.get(product_id)
        if quality is None:
            prior = self._category_ctr(placement_id, category_id)
            seen, clicked = self._items.get((placement_id, "p", product_id), (0, 0))
            quality = cache[product_id] = smoothed_ctr_ppm(clicked, seen, prior, self._strength)
        return quality

    def product_quality_table(self, placement_id: int) -> Mapping[int, int]:
        """The placement's cached product qualities: one dict look-up a product, no call.

        Filled by `product_quality` and replaced whole when counts arrive, so a request
        reads a consistent table; a product not in it yet costs one `product_quality` call.
        """
        cache = self._product_cache.get(placement_id)
        if cache is None:
            cache = self._product_cache.setdefault(placement_id, {})
        return cache

    def creative_quality(self, placement_id: int, creative_id: int) -> int:
        """Smoothed CTR (ppm) of a creative in a placement, falling back to the global prior."""
        cache = self._creative_cache.get(placement_id)
        if cache is None:
            cache = self._creative_cache.setdefault(placement_id, {})
        quality = cache.get(creative_id)
        if quality is None:
            seen, clicked = self._items.get((placement_id, "c", creative_id), (0, 0))
            quality = smoothed_ctr_ppm(clicked, seen, self._prior, self._strength)
            cache[creative_id] = quality
        return quality

    def _category_ctr(self, placement_id: int, category_id: int | None) -> float:
        if category_id is None:
            return self._prior
        key = (placement_id, category_id)
        ctr = self._category_cache.get(key)
        if ctr is None:
            seen, clicked = self._categories.get(key, (0, 0))
            clicked = max(0, min(clicked, seen))
            ctr = (clicked + self._alpha) / (seen + self._strength)
            self._category_cache[key] = ctr
        return ctr
