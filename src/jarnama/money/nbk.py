"""A pure parser of the National Bank of Kazakhstan's daily official rates XML.

The bank publishes one document per day at `https://nationalbank.kz/rss/get_rates.cfm?fdate=DD.MM.YYYY`:

    <rates>
      <generator>…</generator> <title>…</title> <link>…</link> <description>…</description>
      <date>15.01.2026</date>
      <item>
        <fullname>ДОЛЛАР США</fullname> <title>USD</title> <description>506.12</description>
        <quant>1</quant> <index>UP</index> <change>+1.27</change>
      </item>
      …
    </rates>

`description` is the tenge price of `quant` units of the `title` currency (UZS and KRW are
quoted per 100, for instance). Only direct `<item>` children of `<rates>` are read; the feed's
own `<title>` and `<description>` are ignored. Parsing uses defusedxml (no DTDs, no entity
expansion). Jarnama does not fetch the URL: files are imported offline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from jarnama.core.errors import InvalidInput

_CODE_RE = re.compile(r"^[A-Z]{3}$")
_RATE_RE = re.compile(r"^\d+(\.\d+)?$")
_DATE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


class RatesFileError(InvalidInput):
    """A rates file that is not the NBK daily XML format (names the element at fault)."""

    code = "invalid_rates_file"


@dataclass(frozen=True, slots=True)
class NbkRate:
    """One `<item>`: tenge for `quantity` units of `currency`."""

    currency: str
    kzt: Decimal
    quantity: int
    fullname: str
    index: str
    change: str


@dataclass(frozen=True, slots=True)
class NbkRates:
    """One daily document: the date the rates are set for, and its items in file order."""

    on: dt.date
    rates: tuple[NbkRate, ...]


def _text(parent: Element, tag: str, where: str, *, required: bool = True) -> str:
    child = parent.find(tag)
    if child is None:
        if required:
            raise RatesFileError(f"{where} has no <{tag}> element", field=tag)
        return ""
    return (child.text or "").strip()


def parse_date(text: str, where: str = "<date>") -> dt.date:
    """A DD.MM.YYYY date as the bank writes it."""
    if not _DATE_RE.match(text):
        raise RatesFileError(f"{where} must be DD.MM.YYYY, got {text!r}", field="date")
    try:
        return dt.datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise RatesFileError(f"{where} is not a real date: {text!r}", field="date") from None


def _item(element: Element, position: int) -> NbkRate:
    where = f"<item> #{position}"
    code = _text(element, "title", where)
    if not _CODE_RE.match(code):
        raise RatesFileError(
            f"{where}: <title> must be an ISO 4217 code like USD, got {code!r}", field="title"
        )
    where = f"<item> #{position} ({code})"
    raw_rate = _text(element, "description", where)
    if not _RATE_RE.match(raw_rate):
        raise RatesFileError(
            f"{where}: <description> must be a decimal rate like 506.12, got {raw_rate!r}",
            field="description",
        )
    try:
        kzt = Decimal(raw_rate)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise RatesFileError(f"{where}: <description> {raw_rate!r}", field="description") from None
    if kzt <= 0:
        raise RatesFileError(f"{where}: <description> must be above zero", field="description")
    raw_quant = _text(element, "quant", where)
    if not raw_quant.isascii() or not raw_quant.isdigit() or int(raw_quant) < 1:
        raise RatesFileError(
            f"{where}: <quant> must be a positive integer, got {raw_quant!r}", field="quant"
        )
    return NbkRate(
        currency=code,
        kzt=kzt,
        quantity=int(raw_quant),
        fullname=_text(element, "fullname", where, required=False),
        index=_text(element, "index", where, required=False),
        change=_text(element, "change", where, required=False),
    )


def parse_nbk_rates(data: bytes | str) -> NbkRates:
    """Parse one NBK daily rates document; raise `RatesFileError` naming the bad element."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except ParseError as exc:
        line, column = exc.position
        raise RatesFileError(
            f"not well-formed XML at line {line}, column {column + 1}", field="file"
        ) from None
    except DefusedXmlException as exc:
        raise RatesFileError(
            f"forbidden XML construct ({type(exc).__name__}): DTDs and entities are refused",
            field="file",
        ) from None
    if root.tag != "rates":
        raise RatesFileError(f"the root element must be <rates>, found <{root.tag}>", field="file")
    on = parse_date(_text(root, "date", "<rates>"))
    rates: list[NbkRate] = []
    seen: set[str] = set()
    for position, element in enumerate(root.findall("item"), start=1):
        rate = _item(element, position)
        if rate.currency in seen:
            raise RatesFileError(
                f"<item> #{position}: {rate.currency} appears more than once", field="title"
            )
        seen.add(rate.currency)
        rates.append(rate)
    return NbkRates(on=on, rates=tuple(rates))
