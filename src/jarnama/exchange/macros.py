"""OpenRTB 2.6 §4.4 substitution macros in adm, nurl, burl and lurl."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

MACROS = (
    "AUCTION_ID",
    "AUCTION_BID_ID",
    "AUCTION_IMP_ID",
    "AUCTION_SEAT_ID",
    "AUCTION_AD_ID",
    "AUCTION_PRICE",
    "AUCTION_CURRENCY",
    "AUCTION_MBR",
    "AUCTION_LOSS",
    "AUCTION_MIN_TO_WIN",
    "AUCTION_MULTIPLIER",
    "AUCTION_IMP_TS",
)
_PATTERN = re.compile(r"\$\{(" + "|".join(MACROS) + r")\}")


def price_text(value: Decimal) -> str:
    """A price as macro text: plain decimal notation, no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


def substitute(template: str | None, values: Mapping[str, str]) -> str | None:
    """`template` with every known `${MACRO}` replaced (unknown names are left as they are)."""
    if template is None or "${" not in template:
        return template
    return _PATTERN.sub(lambda match: values.get(match.group(1), ""), template)
