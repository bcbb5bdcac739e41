"""Fixtures of the creator exchange tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jarnama.config import Settings
from tests.creators.helpers import Exchange, build


@pytest.fixture
def ex(session: Session, settings: Settings) -> Exchange:
    """An active offer with two approved creators (no escrow yet)."""
    return build(session, settings)
