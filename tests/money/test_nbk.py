"""The NBK daily rates XML parser: the sample file and every kind of malformed document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jarnama.money.nbk import RatesFileError, parse_nbk_rates


def test_parses_the_sample(sample_bytes: bytes) -> None:
    parsed = parse_nbk_rates(sample_bytes)
    assert parsed.on == dt.date(2026, 1, 15)
    by_code = {rate.currency: rate for rate in parsed.rates}
    assert len(parsed.rates) == 17
    usd = by_code["USD"]
    assert (usd.kzt, usd.quantity, usd.fullname) == (Decimal("506.12"), 1, "ДОЛЛАР США")
    assert (usd.index, usd.change) == ("UP", "+1.27")
    assert by_code["RUB"].kzt == Decimal("6.46")
    assert by_code["EUR"].kzt == Decimal("589.40")
    assert (by_code["UZS"].kzt, by_code["UZS"].quantity) == (Decimal("4.21"), 100)
    assert by_code["KGS"].index == ""
    # The feed's own <title> and <description> are not items.
    assert "Official" not in {rate.currency for rate in parsed.rates}


def test_a_day_without_items_is_valid() -> None:
    parsed = parse_nbk_rates(b"<rates><date>17.01.2026</date></rates>")
    assert parsed.on == dt.date(2026, 1, 17)
    assert parsed.rates == ()


def _doc(item: str, date: str = "15.01.2026") -> bytes:
    return f"<rates><date>{date}</date><item>{item}</item></rates>".encode()


GOOD = "<title>USD</title><description>506.12</description><quant>1</quant>"


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (b"<rates><date>15.01.2026</date>", "not well-formed XML at line 1", "file"),
        (b"<rss><channel/></rss>", "root element must be <rates>, found <rss>", "file"),
        (b"<rates><item/></rates>", "<rates> has no <date> element", "date"),
        (_doc(GOOD, date="2026-01-15"), "<date> must be DD.MM.YYYY", "date"),
        (_doc(GOOD, date="31.02.2026"), "not a real date", "date"),
        (_doc("<description>1</description><quant>1</quant>"), "#1 has no <title>", "title"),
        (_doc("<title>usd</title>"), "ISO 4217 code", "title"),
        (
            _doc("<title>USD</title><quant>1</quant>"),
            "#1 (USD) has no <description>",
            "description",
        ),
        (
            _doc("<title>USD</title><description>506,12</description><quant>1</quant>"),
            "#1 (USD): <description> must be a decimal rate",
            "description",
        ),
        (
            _doc("<title>USD</title><description>0.00</description><quant>1</quant>"),
            "above zero",
            "description",
        ),
        (
            _doc("<title>USD</title><description>506.12</description><quant>0</quant>"),
            "<quant> must be a positive integer",
            "quant",
        ),
        (
            _doc("<title>USD</title><description>506.12</description>"),
            "#1 (USD) has no <quant>",
            "quant",
        ),
        (
            f"<rates><date>15.01.2026</date><item>{GOOD}</item><item>{GOOD}</item></rates>".encode(),
            "#2: USD appears more than once",
            "title",
        ),
    ],
)
def test_malformed_files_name_the_element(data: bytes, message: str, field: str) -> None:
    with pytest.raises(
        RatesFileError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as exc:
        parse_nbk_rates(data)
    assert exc.value.field == field
    assert exc.value.status_code == 400


def test_entities_and_dtds_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rates>&b;</rates>'
    )
    with pytest.raises(RatesFileError, match="forbidden XML construct"):
        parse_nbk_rates(bomb)
