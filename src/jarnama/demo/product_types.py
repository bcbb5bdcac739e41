"""A product type of the demo catalog: a noun in three languages, its brands and variant axes."""

from __future__ import annotations

from dataclasses import dataclass

from jarnama.demo.vocabulary import F, M, N, Option, adj, opt

__all__ = ["CHILLED", "FROZEN", "LINES", "SLICED", "SMOKED", "F", "M", "N", "ProductType", "kind"]


@dataclass(frozen=True, slots=True)
class ProductType:
    """A kind of product (milk, black tea …): every brand × variant combination is a product.

    `base` is the shelf price in tenge of `ref` units (ml, g or pieces, as the size options
    count them) at a brand of average price level.
    """

    code: str
    category: str
    kk: str
    ru: str
    en: str
    gender: int
    brands: tuple[str, ...]
    base: int
    ref: int
    axes: tuple[tuple[Option, ...], ...]
    show_brand: bool = True


def kind(
    code: str,
    category: str,
    names: tuple[str, str, str],
    gender: int,
    brands: tuple[str, ...],
    price: tuple[int, int],
    *axes: tuple[Option, ...] | Option,
    show_brand: bool = True,
) -> ProductType:
    """A product type: `price` is (tenge, for this many units of the size axis)."""
    normalised = tuple((axis,) if isinstance(axis, Option) else axis for axis in axes)
    return ProductType(
        code, category, *names, gender, brands, price[0], price[1], normalised, show_brand
    )


CHILLED = adj(
    "салқындатылған",
    ("охлаждённый", "охлаждённая", "охлаждённое", "охлаждённые"),
    "chilled",
)
FROZEN = adj(
    "мұздатылған",
    ("замороженный", "замороженная", "замороженное", "замороженные"),
    "frozen",
    88,
)
SMOKED = adj("ысталған", ("копчёный", "копчёная", "копчёное", "копчёные"), "smoked", 125)
# A brand's product lines: the everyday one, a premium one and an organic one.
LINES = (
    opt("", "", ""),
    opt("Premium", "Premium", "Premium", 125),
    opt("Эко", "Эко", "Eco", 118),
)
SLICED = adj("тілімделген", ("нарезанный", "нарезанная", "нарезанное", "нарезанные"), "sliced", 112)
