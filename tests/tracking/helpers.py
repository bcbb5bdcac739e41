"""Builders of events for tracking and measurement tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jarnama.tracking import events as ev

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def ad(
    bid_id: str = "b1",
    *,
    campaign_id: int = 1,
    product_id: int | None = 10,
    user_id: str | None = "u1",
    billing: str = "cpc",
    price_tiyn: int = 5000,
) -> ev.AdRef:
    """An ad reference as a verified token would give it."""
    return ev.AdRef(
        bid_id=bid_id,
        campaign_id=campaign_id,
        ad_group_id=campaign_id * 100,
        account_id=campaign_id * 1000,
        placement_id=1,
        product_id=product_id,
        price_tiyn=price_tiyn,
        billing="cpm" if billing == "cpm" else "cpc",
        user_id=user_id,
    )


def purchase(
    event_id: str,
    at: dt.datetime = T0,
    *,
    user_id: str | None = "u1",
    lines: list[tuple[str, int, int]] | None = None,
    order_id: str | None = None,
) -> ev.Purchase:
    """A store purchase with (sku, quantity, unit price) lines."""
    return ev.Purchase(
        id=event_id,
        at=at,
        order_id=order_id or f"order-{event_id}",
        channel="store",
        user_id=user_id,
        lines=[
            ev.PurchaseLine(sku=sku, quantity=q, unit_price_tiyn=p)
            for sku, q, p in (lines or [("SKU-1", 1, 10_000)])
        ],
    )


def purchase_json(event_id: str, **overrides: Any) -> dict[str, Any]:
    """A purchase as a POS system sends it in a batch (no `kind`)."""
    body: dict[str, Any] = {
        "id": event_id,
        "at": "2026-03-01T10:00:00+05:00",
        "order_id": f"order-{event_id}",
        "channel": "store",
        "store_code": "ALA-01",
        "user_id": "loyalty-42",
        "lines": [{"sku": "SKU-1", "quantity": 2, "unit_price_tiyn": 99_990_00}],
    }
    body.update(overrides)
    return body
