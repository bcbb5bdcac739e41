"""The OpenAPI document describes every operation in one line."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from jarnama.app import create_app
from jarnama.config import Settings

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app without a database (building the OpenAPI document needs none)."""
    return create_app(settings)


def test_every_operation_has_a_one_line_summary_and_description(app: FastAPI) -> None:
    spec = app.openapi()
    missing = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            summary = operation.get("summary", "")
            if not summary or "\n" in summary or not operation.get("description"):
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"operations without a one-line summary and a description: {missing}"


def test_management_api_is_versioned(app: FastAPI) -> None:
    spec = app.openapi()
    # Drop-in compatibility endpoints keep their vendor's own paths on purpose: Topsort's
    # /v2/auctions and /v2/events (jarnama.topsort), so a storefront only changes its base URL.
    drop_in = {"/v2/auctions", "/v2/events"}
    # Prebid Server's OpenRTB endpoint, for DOOH supply that already speaks OpenRTB 2.6
    # (jarnama.exchange.player_api).
    drop_in.add("/openrtb2/auction")
    # Tracking links are printed into pages and apps and must never change: the impression
    # pixel and click redirect of a signed resolved bid id (jarnama.decisioning.api).
    tracking = {"/t/i/{token}", "/t/c/{token}"}
    # Creators print their short links into posts and bios (jarnama.creators.api).
    tracking.add("/c/{slug}")
    unversioned = [
        path
        for path in spec["paths"]
        if not path.startswith("/api/v1/")
        and path not in {"/healthz", "/readyz", "/metrics"}
        and path not in drop_in
        and path not in tracking
    ]
    assert unversioned == []
