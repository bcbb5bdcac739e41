"""The SKU index finds each candidate's product id as the dict would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jarnama.decisioning.skus import UNKNOWN, SkuIndex

SKUS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)


@given(
    catalog=st.dictionaries(SKUS, st.integers(1, 2**40), max_size=60),
    asked=st.lists(SKUS, max_size=30),
)
def test_lookup_agrees_with_the_dict(catalog: dict[str, int], asked: list[str]) -> None:
    wanted = [*asked, *list(catalog)[:10]]
    found = SkuIndex(catalog).lookup(wanted).tolist()
    assert found == [catalog.get(sku, UNKNOWN) for sku in wanted]


def test_an_empty_catalog_knows_no_sku() -> None:
    assert SkuIndex({}).lookup(["4870001", ""]).tolist() == [UNKNOWN, UNKNOWN]


def test_kazakh_and_russian_skus_and_repeats() -> None:
    index = SkuIndex({"сүт-1л": 7, "молоко-1л": 8, "A-001": 9})
    assert index.lookup(["A-001", "сүт-1л", "сүт-1л", "сут-1л", "молоко-1л"]).tolist() == [
        9,
        7,
        7,
        UNKNOWN,
        8,
    ]
