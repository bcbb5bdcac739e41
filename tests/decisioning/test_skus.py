"""The SKU index finds each candidate's product id exactly as the dict would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jarnama.decisioning.skus import UNKNOWN, SkuIndex

# Any code point, lone surrogates included; "\x00" often, so some requests take the dict.
ANY_SKU = st.text(st.characters(), max_size=12) | st.text(st.sampled_from("A-0\x00"), max_size=4)
# What the API lets through (1 to 64 characters), Kazakh and Russian letters among them.
KAZAKH_RUSSIAN = st.text(st.sampled_from("әғқңөұүһіАБВмолокосүт-1л"), min_size=1, max_size=64)
DEMO = st.builds(
    lambda word, n: f"DM-{word}-{n:04d}", st.sampled_from(["MILK", "BEEF"]), st.integers(0, 30)
)
SKUS = ANY_SKU | KAZAKH_RUSSIAN | DEMO


def prefixes_and_extensions(skus: list[str]) -> list[str]:
    """SKUs one character shorter or longer than the given ones."""
    return [sku[:-1] for sku in skus] + [sku + "0" for sku in skus]


@settings(max_examples=300, deadline=None)  # the first example loads the compiled kernels
@given(
    catalog=st.dictionaries(SKUS, st.integers(-(2**63), 2**63 - 1), max_size=60),
    asked=st.lists(SKUS, max_size=30),
    hash_bits=st.sampled_from([64, 3, 0]),
    data=st.data(),
)
def test_lookup_agrees_with_the_dict(
    catalog: dict[str, int], asked: list[str], hash_bits: int, data: st.DataObject
) -> None:
    # Known SKUs (repeated), their prefixes and extensions, unknown ones, in any order.
    known = list(catalog)
    wanted = data.draw(
        st.permutations([*asked, *known[:20], *known[:5], *prefixes_and_extensions(known[:10])])
    )
    index = SkuIndex(catalog, hash_bits=hash_bits)
    assert index.lookup(wanted).tolist() == [catalog.get(sku, UNKNOWN) for sku in wanted]


def test_an_empty_catalog_knows_no_sku() -> None:
    index = SkuIndex({})
    assert index.lookup(["4870001", ""]).tolist() == [UNKNOWN, UNKNOWN]
    assert index.lookup([]).tolist() == []


def test_kazakh_and_russian_skus_and_repeats() -> None:
    index = SkuIndex({"сүт-1л": 7, "молоко-1л": 8, "A-001": 9})
    assert index.lookup(["A-001", "сүт-1л", "сүт-1л", "сут-1л", "молоко-1л"]).tolist() == [
        9,
        7,
        7,
        UNKNOWN,
        8,
    ]


def test_empty_skus_and_prefixes() -> None:
    index = SkuIndex({"": 1, "A": 2, "A-0": 3, "A-01": 4})
    assert index.lookup(["A-01", "", "A-", "A", "A-0", "A-012", ""]).tolist() == [
        4,
        1,
        UNKNOWN,
        2,
        3,
        UNKNOWN,
        1,
    ]
    assert index.lookup([""]).tolist() == [1]


def test_skus_holding_the_separator_take_the_dict() -> None:
    index = SkuIndex({"A\x00B": 5, "A": 6, "B": 7})
    assert index.lookup(["A\x00B", "A", "B"]).tolist() == [5, 6, 7]
    assert index.lookup(["A", "B"]).tolist() == [6, 7]
    assert index.lookup(["A\x00", "\x00B"]).tolist() == [UNKNOWN, UNKNOWN]


def test_every_sku_sharing_one_hash_is_still_told_apart() -> None:
    # With no hash bits every SKU hashes to 0: one slot chain, the bytes decide alone.
    catalog = {f"DM-MILK-{n:04d}": n for n in range(500)}
    index = SkuIndex(catalog, hash_bits=0)
    wanted = [*reversed(catalog), "DM-MILK-0500", "DM-MILK-000", "DM-MILK-00000"]
    assert index.lookup(wanted).tolist() == [catalog.get(sku, UNKNOWN) for sku in wanted]


def test_lone_surrogates_compare_exactly() -> None:
    high, low = chr(0xD800), chr(0xDC00)  # valid in a str, not in UTF-8
    index = SkuIndex({high: 1, low: 2})
    wanted = [low, high, high + low, "\U00010000"]
    assert index.lookup(wanted).tolist() == [2, 1, UNKNOWN, UNKNOWN]
