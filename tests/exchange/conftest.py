"""Fixtures of the exchange tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.exchange.helpers import Owners, build_owners


@pytest.fixture
def owners(session: Session) -> Owners:
    """Two media owners, an advertiser and a network admin, with API keys."""
    return build_owners(session)
