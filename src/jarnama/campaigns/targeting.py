"""Checks of an ad group's targeting against the catalog: products, placements, cities, bids."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy.orm import Session

from jarnama.campaigns import repository
from jarnama.campaigns.models import AdGroupKind, MatchType
from jarnama.catalog.models import Channel, Placement, PlacementKind
from jarnama.core.errors import InvalidInput
from jarnama.decisioning.text import MatchType as TextMatch
from jarnama.decisioning.text import keyword_matches, terms

# The ad kind each placement kind sells; the auction engine uses the same mapping
# (decisioning.snapshot.DEFAULT_AD_KIND): CPC listings and CPM banners never share an auction.
AD_KIND_OF_PLACEMENT = {
    PlacementKind.SEARCH: AdGroupKind.SPONSORED_LISTING,
    PlacementKind.CATEGORY: AdGroupKind.SPONSORED_LISTING,
    PlacementKind.PRODUCT_PAGE: AdGroupKind.SPONSORED_LISTING,
    PlacementKind.HOME_BANNER: AdGroupKind.BANNER,
    PlacementKind.IN_STORE_SCREEN: AdGroupKind.IN_STORE_SCREEN,
}


def placement_fits(kind: AdGroupKind, placement: Placement) -> bool:
    """Can an ad group of `kind` serve on `placement`?"""
    return AD_KIND_OF_PLACEMENT[placement.kind] is kind


def normalise_keywords(keywords: Sequence[Mapping[str, str]], field: str) -> list[dict[str, str]]:
    """Keywords with whitespace collapsed, each (text, match) once, in the order given.

    Case folding and Kazakh/Russian normalisation happen when the snapshot is compiled, so
    the advertiser sees their keywords as typed.
    """
    seen: set[tuple[str, str]] = set()
    result: list[dict[str, str]] = []
    for index, keyword in enumerate(keywords):
        text = " ".join(keyword["text"].split())
        if not text:
            raise InvalidInput("a keyword must not be blank", field=f"{field}.{index}.text")
        if not terms(text):
            # «!!!» or «—» normalise to nothing: such a keyword would match no query, and an
            # ad group left without keywords would serve on every search.
            raise InvalidInput(
                f"keyword {text!r} has no letters or digits to match a search with",
                field=f"{field}.{index}.text",
            )
        match = MatchType(keyword["match"]).value
        key = (text.casefold(), match)
        if key not in seen:
            seen.add(key)
            result.append({"text": text, "match": match})
    return result


def _blocks(negative: Mapping[str, str], keyword: Mapping[str, str]) -> bool:
    """Whether `negative` refuses every query that `keyword` would match."""
    positive, match = terms(keyword["text"]), TextMatch(keyword["match"])
    blocker, how = terms(negative["text"]), TextMatch(negative["match"])
    if not keyword_matches(blocker, how, positive, frozenset(positive)):
        return False
    # A query matching an exact keyword is its terms; one matching a phrase holds them in
    # order; one matching a broad keyword holds them in any order, among other words.
    return (
        match is TextMatch.EXACT
        or how is TextMatch.BROAD
        or (how is TextMatch.PHRASE and match is TextMatch.PHRASE)
    )


def check_negatives(
    keywords: Sequence[Mapping[str, str]], negatives: Sequence[Mapping[str, str]]
) -> None:
    """Raise when a negative keyword shuts out a keyword completely (it could never serve)."""
    for index, negative in enumerate(negatives):
        for keyword in keywords:
            if _blocks(negative, keyword):
                raise InvalidInput(
                    f"negative keyword {negative['text']!r} ({negative['match']}) excludes every "
                    f"search the keyword {keyword['text']!r} ({keyword['match']}) matches",
                    field=f"negative_keywords.{index}",
                )


def check_products(session: Session, account_id: int, product_ids: Sequence[int]) -> list[int]:
    """The distinct product ids, each existing, active and of one of the advertiser's brands."""
    unique = list(dict.fromkeys(product_ids))
    found = repository.product_ownership(session, unique)
    for product_id in unique:
        field = f"product_ids.{product_ids.index(product_id)}"
        product = found.get(product_id)
        # A missing product and another advertiser's answer alike, without SKU or state:
        # anything more would tell one tenant what another sells.
        if product is None or product.brand_owner_account_id != account_id:
            raise InvalidInput(
                f"product {product_id} is not of one of this advertiser's brands", field=field
            )
        if not product.active:
            raise InvalidInput(
                f"product {product_id} (SKU {product.sku}) is not active", field=field
            )
    return unique


def check_ids_exist(wanted: Sequence[int], existing: set[int], field: str, what: str) -> list[int]:
    """The distinct ids of `wanted`, raising for the first one not in `existing`."""
    for index, value in enumerate(wanted):
        if value not in existing:
            raise InvalidInput(f"{what} {value} does not exist", field=f"{field}.{index}")
    return list(dict.fromkeys(wanted))


def check_channels(kind: AdGroupKind, channels: Sequence[Channel]) -> list[str]:
    """The distinct channels; in-store screen ad groups serve only in stores."""
    unique = list(dict.fromkeys(Channel(channel) for channel in channels))
    if kind is AdGroupKind.IN_STORE_SCREEN and any(c is not Channel.IN_STORE for c in unique):
        raise InvalidInput(
            "in-store screen ad groups serve only the in_store channel", field="channels"
        )
    return [channel.value for channel in unique]


# An unknown city's error lists the known ones, up to this many.
MAX_CITIES_LISTED = 50


def city_key(name: str) -> str:
    """How city names compare: case-insensitive, whitespace collapsed («  алматы» = «Алматы»)."""
    return " ".join(name.split()).casefold()


def check_cities(cities: Sequence[str], store_cities: Sequence[str]) -> list[str]:
    """The distinct targeted cities, each spelled as the retailer's stores spell it.

    A city no store is in would make the ad group serve nowhere in-store and only where a
    storefront happens to send that exact name: a typo («Алмааты») is refused instead,
    naming the field and the cities there are. Kazakh and Russian names are whatever the
    stores hold («Өскемен» or «Усть-Каменогорск»); only case and spacing are forgiven.
    """
    known: dict[str, str] = {}
    for city in store_cities:
        known.setdefault(city_key(city), " ".join(city.split()))
    result: list[str] = []
    for index, city in enumerate(cities):
        key = city_key(city)
        if not key:
            raise InvalidInput("a city must not be blank", field=f"cities.{index}")
        name = known.get(key)
        if name is None:
            raise InvalidInput(_unknown_city(city, known), field=f"cities.{index}")
        if name not in result:
            result.append(name)
    return result


def _unknown_city(city: str, known: Mapping[str, str]) -> str:
    shown = " ".join(city.split())
    if not known:
        return f"unknown city {shown!r}: the retailer has no stores yet, so no city to target"
    close = difflib.get_close_matches(city_key(city), list(known), n=1, cutoff=0.75)
    hint = f" (did you mean {known[close[0]]!r}?)" if close else ""
    names = sorted(known.values())
    listed = ", ".join(names[:MAX_CITIES_LISTED])
    if len(names) > MAX_CITIES_LISTED:
        listed += f" and {len(names) - MAX_CITIES_LISTED} more (GET /api/v1/catalog/stores)"
    return f"unknown city {shown!r}{hint}: the retailer's stores are in {listed}"


@dataclass(frozen=True, slots=True)
class PlacementPlan:
    """The placements an ad group may serve on, after checking its codes and multipliers."""

    codes: list[str]
    serving_on: list[Placement]
    multipliers: dict[str, Decimal]


def check_placements(
    session: Session,
    kind: AdGroupKind,
    codes: Sequence[str],
    multipliers: Mapping[str, Decimal],
) -> PlacementPlan:
    """Placement codes exist, are active and fit the kind; multipliers name such placements."""
    by_code = {placement.code: placement for placement in repository.placements(session)}
    unique = list(dict.fromkeys(code.strip() for code in codes))
    for index, code in enumerate(unique):
        placement = by_code.get(code)
        if placement is None:
            raise InvalidInput(
                f"placement {code!r} does not exist or is not active",
                field=f"placement_codes.{index}",
            )
        if not placement_fits(kind, placement):
            raise InvalidInput(
                f"placement {code!r} ({placement.kind.value}) does not take {kind.value} ads",
                field=f"placement_codes.{index}",
            )
    serving_on = (
        [by_code[code] for code in unique]
        if unique
        else [p for p in by_code.values() if placement_fits(kind, p)]
    )
    allowed = {placement.code for placement in serving_on}
    for code, value in multipliers.items():
        exponent = Decimal(value).as_tuple().exponent
        if not isinstance(exponent, int) or exponent < -3:
            raise InvalidInput(
                "a bid multiplier has at most 3 decimal places (e.g. 1.125)",
                field=f"bid_multipliers.{code}",
            )
        if code not in allowed:
            raise InvalidInput(
                f"bid multiplier for {code!r}, which is not a placement this ad group serves on",
                field=f"bid_multipliers.{code}",
            )
    return PlacementPlan(
        codes=unique,
        serving_on=serving_on,
        multipliers={code: Decimal(value) for code, value in multipliers.items()},
    )


def check_min_bids(
    session: Session,
    *,
    bid_tiyn: int,
    plan: PlacementPlan,
    product_ids: Sequence[int],
    category_ids: Sequence[int],
) -> None:
    """Raise naming the minimum when the bid (times its multiplier) is below a placement's minimum.

    A placement's own minimum applies unless the category, or its nearest ancestor, has a
    CategoryMinBid for that placement, which then overrides it. Categories are those of the
    promoted products and the targeted categories.
    """
    ownership = repository.product_ownership(session, list(product_ids))
    categories = {p.category_id for p in ownership.values() if p.category_id is not None}
    categories.update(category_ids)
    paths = repository.category_paths(session, categories)
    ancestor_paths = {
        "/".join(path.split("/")[:depth])
        for path in paths.values()
        for depth in range(1, path.count("/") + 2)
    }
    id_by_path = repository.category_ids_by_path(session, ancestor_paths)
    placement_ids = {placement.id for placement in plan.serving_on}
    overrides = repository.category_min_bids(session, placement_ids, set(id_by_path.values()))

    for placement in plan.serving_on:
        multiplier = plan.multipliers.get(placement.code, Decimal(1))
        effective = int((Decimal(bid_tiyn) * multiplier).to_integral_value(rounding=ROUND_FLOOR))
        candidates = [(placement.min_bid_tiyn, "")] if not paths else []
        for category_id in sorted(paths):
            minimum = _category_minimum(placement, paths[category_id], id_by_path, overrides)
            if minimum is None:
                candidates.append((placement.min_bid_tiyn, ""))
            else:
                candidates.append((minimum, f" in category {paths[category_id]!r}"))
        # The first of the highest minimums: the bid must clear every category it may serve in.
        required, where = max(candidates, key=lambda candidate: candidate[0])
        if effective >= required:
            continue
        if multiplier != 1 and bid_tiyn >= required:
            raise InvalidInput(
                f"bid {bid_tiyn} x {multiplier} = {effective} tiyn is below the minimum bid of "
                f"{required} tiyn for placement {placement.code!r}{where}",
                field=f"bid_multipliers.{placement.code}",
            )
        needed = required if multiplier == 1 else math.ceil(Decimal(required) / multiplier)
        raise InvalidInput(
            f"bid_tiyn {bid_tiyn} is below the minimum bid of {required} tiyn for placement "
            f"{placement.code!r}{where}; bid at least {needed}",
            field="bid_tiyn",
        )


def _category_minimum(
    placement: Placement,
    path: str,
    id_by_path: Mapping[str, int],
    overrides: Mapping[tuple[int, int], int],
) -> int | None:
    """The CategoryMinBid of `path` or its nearest ancestor for `placement`, if any."""
    parts = path.split("/")
    for depth in range(len(parts), 0, -1):
        category_id = id_by_path.get("/".join(parts[:depth]))
        if category_id is not None and (placement.id, category_id) in overrides:
            return overrides[(placement.id, category_id)]
    return None
