"""The OpenOOH venue taxonomy 1.1, shipped inside the package (see data/NOTICE-openooh.txt)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# AdCOM 1.0 list "DOOH Venue Taxonomies": 5 = OpenOOH Venue Taxonomy 1.1 (1 is OpenOOH 1.0).
OPENOOH_1_1 = 5


@dataclass(frozen=True, slots=True)
class VenueType:
    """One node of the taxonomy: a numeric id, its dotted name and its human name."""

    id: int
    code: str
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class VenueTaxonomy:
    """Every venue type of one taxonomy version, by numeric id."""

    version: str
    by_id: dict[int, VenueType]

    def __contains__(self, venue_id: object) -> bool:
        """True when `venue_id` is a known numeric id."""
        return venue_id in self.by_id

    def unknown(self, venue_ids: Iterable[int]) -> list[int]:
        """The ids of `venue_ids` the taxonomy does not define, in the order given."""
        return [venue_id for venue_id in venue_ids if venue_id not in self.by_id]

    def __iter__(self) -> Iterator[VenueType]:
        """Every venue type, ordered by id."""
        return iter(sorted(self.by_id.values(), key=lambda venue: venue.id))


def _walk(nodes: list[dict[str, Any]], parent: int | None, out: dict[int, VenueType]) -> None:
    for node in nodes:
        venue_id = int(node["enumeration_id"])
        out[venue_id] = VenueType(venue_id, str(node["string_value"]), str(node["name"]), parent)
        _walk(node.get("children", []), venue_id, out)


@cache
def taxonomy() -> VenueTaxonomy:
    """The packaged OpenOOH 1.1 taxonomy (read once)."""
    text = (
        resources.files("jarnama.exchange")
        .joinpath("data/openooh-venue-taxonomy.json")
        .read_text(encoding="utf-8")
    )
    root = json.loads(text)["openooh_venue_taxonomy"]
    by_id: dict[int, VenueType] = {}
    _walk(root["specification"]["categories"], None, by_id)
    return VenueTaxonomy(version=str(root["version"]), by_id=by_id)
