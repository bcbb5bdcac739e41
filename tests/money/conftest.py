"""Shared data of the money tests: the hand-written NBK sample file."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "nbk_rates_2026-01-15.xml"


def nbk_document(day: str, items: dict[str, tuple[str, int]]) -> bytes:
    """A small NBK daily rates document: {code: (tenge, quant)} for day DD.MM.YYYY."""
    body = "".join(
        f"<item><fullname>{code}</fullname><title>{code}</title><description>{kzt}</description>"
        f"<quant>{quant}</quant><index></index><change>0.00</change></item>"
        for code, (kzt, quant) in items.items()
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rates><date>{day}</date>{body}</rates>'.encode()


@pytest.fixture
def sample_bytes() -> bytes:
    """The hand-written sample in the NBK get_rates.cfm format (rates of 15 Jan 2026)."""
    return SAMPLE.read_bytes()
