"""The Topsort tests' network: the spec's product ids as live products of the campaigns world."""

from __future__ import annotations

from dataclasses import dataclass

from tests.campaigns.helpers import World
from tests.factories import Caller

# The spec's product ids (retailer SKUs) as products of the test catalog.
SPEC_SKUS = ("p_PJbnN", "p_ojng4", "p_8VKDt", "p_Mfk15")


@dataclass
class Network:
    """The campaigns test world plus the spec's products, live campaigns and the retailer's key."""

    world: World
    retailer: Caller
    products: dict[str, int]
