"""Fixtures of the campaigns tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.campaigns.helpers import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    """The test network: two advertisers, an agency, catalog and placements."""
    return build_world(session)
