"""The IAB OpenRTB 2.6 JSON Schema validator, plus the stricter checks Jarnama adds for DOOH."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).parent / "openrtb26_schema"


@cache
def validator(name: str = "BidRequest.json") -> Draft202012Validator:
    """A validator for one top-level object, every schema registered under its `$id`."""
    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMA_DIR.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return Draft202012Validator(schemas[name], registry=registry)


def schema_errors(document: Any, name: str = "BidRequest.json") -> list[str]:
    """Every schema violation of `document`, as 'path: message' lines."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator(name).iter_errors(document)
    ]


def dooh_errors(request: dict[str, Any]) -> list[str]:
    """Jarnama's own DOOH rules the IAB schema cannot say (it tolerates unknown fields)."""
    problems = []
    present = [key for key in ("site", "app", "dooh") if key in request]
    if present != ["dooh"]:
        problems.append(f"exactly one of site/app/dooh must be dooh, got {present}")
    if request.get("device", {}).get("devicetype") != 8:
        problems.append("device.devicetype must be 8 (OOH device)")
    for imp in request["imp"]:
        if not isinstance(imp.get("dt"), int) or imp["dt"] < 10**12:
            problems.append("imp.dt must be epoch milliseconds")
        if "multiplier" not in imp.get("qty", {}):
            problems.append("imp.qty.multiplier is required for DOOH")
        if not isinstance(imp.get("exp"), int):
            problems.append("imp.exp must be an integer number of seconds")
    dooh = request.get("dooh", {})
    if not dooh.get("venuetype") or dooh.get("venuetypetax") != 5:
        problems.append("dooh.venuetype with venuetypetax 5 (OpenOOH 1.1) is required")
    if "publisher" not in dooh:
        problems.append("dooh.publisher is required")
    if not request.get("tmax") or request.get("at") not in (1, 2):
        problems.append("tmax and at (1 or 2) are required")
    if not request.get("source", {}).get("schain", {}).get("nodes"):
        problems.append("source.schain with nodes is required")
    return problems
