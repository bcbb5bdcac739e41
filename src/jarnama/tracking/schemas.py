"""Request and response shapes of the event intake API."""

from __future__ import annotations

from typing import Any

import msgspec
from pydantic import BaseModel, Field

from jarnama.tracking.events import Purchase


class PurchaseBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The body of `POST /events/purchases`: purchases kept raw so each one fails alone."""

    purchases: list[msgspec.Raw]


class LineError(BaseModel):
    """Why one purchase of a batch was refused."""

    index: int = Field(description="Position of the purchase in `purchases`.")
    id: str | None = Field(default=None, description="Its id, when it could be read.")
    field: str | None = Field(default=None, description="JSON path of the bad field.")
    detail: str


class PurchaseBatchResult(BaseModel):
    """What happened to a batch: counts, and one error per refused purchase."""

    accepted: int = Field(description="New purchases, durable before this answer.")
    duplicates: int = Field(description="Purchases whose id was already received.")
    rejected: int = Field(description="Purchases refused; see `errors`.")
    lines: int = Field(description="Purchase lines accepted.")
    errors: list[LineError]


class EventBatchResult(BaseModel):
    """What happened to a batch of events: counts, and one error per refused event."""

    accepted: int = Field(description="New events, durable before this answer.")
    duplicates: int = Field(description="Events whose kind and id were already received.")
    rejected: int = Field(description="Events refused; see `errors`.")
    invalid: int = Field(
        description="Accepted events marked invalid traffic: kept and counted, never billed."
    )
    lines: int = Field(description="Purchase lines accepted.")
    errors: list[LineError]


def inline_refs(node: Any, components: dict[str, Any]) -> Any:
    """A JSON schema with every `$ref` to a component replaced by the component itself."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            return inline_refs(components[ref.rsplit("/", 1)[-1]], components)
        return {key: inline_refs(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item, components) for item in node]
    return node


def purchase_batch_schema() -> dict[str, Any]:
    """The OpenAPI schema of the batch body (generated from the msgspec event model)."""
    (purchase,), components = msgspec.json.schema_components([Purchase])
    item = inline_refs(purchase, components)
    item["properties"].pop("ivt", None)
    # The tag may be omitted: everything in this batch is a purchase.
    item["required"] = [name for name in item.get("required", []) if name != "kind"]
    return {
        "type": "object",
        "required": ["purchases"],
        "additionalProperties": False,
        "properties": {"purchases": {"type": "array", "items": item}},
    }
