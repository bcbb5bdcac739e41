"""What a play costs and how its revenue splits between the media owner and the exchange.

Cost per play = clearing CPM / 1000 × audience multiplier, exact in Decimal (no rounding until
an invoice rounds a day's total to tiyn once). The exchange keeps `revenue_share` of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jarnama.core.money import Currency
from jarnama.exchange.auction import Win

THOUSAND = Decimal(1000)


@dataclass(frozen=True, slots=True)
class PlaySettlement:
    """One billed play: the buyer's cost and the two shares, exact."""

    currency: Currency
    cost: Decimal  # in the bid currency, what the DSP is billed
    cost_kzt: Decimal
    exchange_kzt: Decimal
    owner_kzt: Decimal


def cost_per_play(cpm: Decimal, multiplier: Decimal) -> Decimal:
    """CPM / 1000 × multiplier, exact (e.g. 4.41 USD CPM × 12.5 = 0.055125 USD a play)."""
    return cpm / THOUSAND * multiplier


def settle(win: Win, revenue_share: Decimal) -> PlaySettlement:
    """The settlement of a winning bid once its play is proven."""
    exchange = win.cost_per_play_kzt * revenue_share
    return PlaySettlement(
        currency=win.currency,
        cost=win.cost_per_play,
        cost_kzt=win.cost_per_play_kzt,
        exchange_kzt=exchange,
        owner_kzt=win.cost_per_play_kzt - exchange,
    )
