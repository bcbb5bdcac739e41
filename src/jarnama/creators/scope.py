"""An offer's product and category scope, checked against the order lines a shop reports.

A postback or feed row may carry `lines`: the order's SKUs, each optionally with its line
amount, either compact (`KEFIR-1L:1290;BREAD-1:450`, amounts in the order's currency) or as a
JSON list (`[{"sku": "KEFIR-1L", "amount": "1290"}]`). A line is in scope when its product is
one of the offer's `product_ids` or sits in one of its `category_ids` or below; a SKU the
catalog does not know is out of scope. An offer with neither list has no scope.

The decision (documented in docs/creators.md):
- no lines sent, or no scope: nothing is checked (the shop alone vouches for the order);
- no line in scope: the conversion is declined `out_of_scope`, the SKUs as evidence;
- every line in scope: paid as usual;
- some lines in scope, every line with an amount: paid on the in-scope share of the order
  amount (`amount × in-scope lines / all lines`, so discounts and currency carry over);
- some lines in scope, an amount missing: the share cannot be told, so the conversion is sent
  to manual review with that reason (paid on the whole amount only if the advertiser approves).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy.orm import Session

from jarnama.creators import lifecycle, repository
from jarnama.creators.models import Conversion, DeclineReason, Offer

MAX_LINES = 200


class LinesError(ValueError):
    """The `lines` parameter cannot be read."""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of a reported order: a SKU and, when given, its amount."""

    sku: str
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class ScopeVerdict:
    """Which lines of an order the offer covers, and what that means for the payout."""

    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    # The in-scope share of the order amount as (numerator, denominator); None when unknown.
    share: tuple[Decimal, Decimal] | None

    @property
    def none_in_scope(self) -> bool:
        """True when no line is covered: the conversion is declined."""
        return not self.in_scope

    @property
    def partial(self) -> bool:
        """True when some lines are covered and some are not."""
        return bool(self.in_scope) and bool(self.out_of_scope)

    def describe(self) -> str:
        """One sentence for the creator: what was in and out of the offer's scope."""
        return (
            f"{len(self.in_scope)} of {len(self.in_scope) + len(self.out_of_scope)} order lines "
            f"are in the offer's products; outside: {', '.join(self.out_of_scope) or 'none'}"
        )


def _amount(raw: object, sku: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise LinesError(f"the amount of line {sku} is not a number") from exc
    if not value.is_finite() or value < 0:
        raise LinesError(f"the amount of line {sku} must be a number not below zero")
    return value


def parse_lines(raw: str | None) -> list[OrderLine]:
    """The order lines of a `lines` parameter (compact or JSON); [] when absent."""
    text = (raw or "").strip()
    if not text:
        return []
    lines: list[OrderLine] = []
    if text.startswith("["):
        try:
            items = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            raise LinesError("lines is not valid JSON") from exc
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("sku"), str):
                raise LinesError('each JSON line is an object with a "sku" string')
            sku = item["sku"].strip()
            lines.append(OrderLine(sku, _amount(item.get("amount"), sku)))
    else:
        for part in text.split(";"):
            if not part.strip():
                continue
            sku, sep, amount = part.strip().rpartition(":")
            if not sep:
                sku, amount = amount, ""
            sku = sku.strip()
            lines.append(OrderLine(sku, _amount(amount, sku)))
    if any(not line.sku or len(line.sku) > 64 for line in lines):
        raise LinesError("every line needs a SKU of 1-64 characters")
    if len(lines) > MAX_LINES:
        raise LinesError(f"at most {MAX_LINES} lines")
    return lines


def has_scope(offer: Offer) -> bool:
    """True when the offer names products or categories."""
    return bool(offer.product_ids or offer.category_ids)


def check(session: Session, offer: Offer, lines: list[OrderLine]) -> ScopeVerdict | None:
    """Which lines the offer covers; None when there is nothing to check."""
    if not lines or not has_scope(offer):
        return None
    products = repository.products_by_sku(session, (line.sku for line in lines))
    paths = repository.category_paths(session, offer.category_ids)
    wanted_ids = set(offer.product_ids)

    def covered(sku: str) -> bool:
        found = products.get(sku)
        if found is None:
            return False
        product_id, path = found
        if product_id in wanted_ids:
            return True
        return path is not None and any(path == p or path.startswith(p + "/") for p in paths)

    inside = [line for line in lines if covered(line.sku)]
    outside = [line for line in lines if not covered(line.sku)]
    share: tuple[Decimal, Decimal] | None = None
    if all(line.amount is not None for line in lines):
        total = sum((line.amount or Decimal(0) for line in lines), Decimal(0))
        part = sum((line.amount or Decimal(0) for line in inside), Decimal(0))
        share = (part, total) if total > 0 else None
    return ScopeVerdict(
        tuple(line.sku for line in inside), tuple(line.sku for line in outside), share
    )


def payout_base(amount_tiyn: int, verdict: ScopeVerdict | None) -> int:
    """The order value a percent payout is computed on: the in-scope share when known."""
    if verdict is None or not verdict.partial or verdict.share is None:
        return amount_tiyn
    part, total = verdict.share
    exact = Decimal(amount_tiyn) * part / total
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def event_data(verdict: ScopeVerdict | None) -> dict[str, object]:
    """What the `reported` history step records about the scope check."""
    if verdict is None:
        return {}
    return {"scope_in": list(verdict.in_scope), "scope_out": list(verdict.out_of_scope)}


def apply_verdict(
    session: Session,
    conversion: Conversion,
    offer: Offer,
    verdict: ScopeVerdict | None,
    now: dt.datetime,
) -> bool:
    """Decline or flag a new conversion by its scope verdict; True when it was declined."""
    if verdict is None:
        return False
    if verdict.none_in_scope:
        lifecycle.decline(
            session,
            conversion,
            lifecycle.SYSTEM,
            DeclineReason.OUT_OF_SCOPE,
            "none of the order's products is in the offer's products or categories",
            [f"order lines: {', '.join(verdict.out_of_scope)}", _scope_evidence(offer)],
            now=now,
            even_if_locked=True,
        )
        return True
    if verdict.partial and verdict.share is None and not conversion.needs_review:
        conversion.needs_review = True
        lifecycle.event(
            session,
            conversion,
            lifecycle.SYSTEM,
            "sent_to_review",
            note=verdict.describe() + "; without line amounts the in-scope share is unknown",
        )
    return False


def _scope_evidence(offer: Offer) -> str:
    return (
        f"offer {offer.id} products: {', '.join(map(str, offer.product_ids)) or 'none'}; "
        f"categories: {', '.join(map(str, offer.category_ids)) or 'none'}"
    )
