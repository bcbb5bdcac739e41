"""`POST /openrtb2/auction` for supply that already speaks OpenRTB 2.6 (as Prebid Server's).

Pure: the request's JSON is checked here and turned into one `InboundImp` per impression;
the edge runs the same auction as the player API per impression and renders the answer with
`bid_response`. The screen of an impression is the caller's registered screen whose code is
`imp.tagid` (or `dooh.id` when the impression has no tagid): its floors, blocks, audience,
deals and owner's approvals apply. What the request adds is honoured too: a higher
`imp.bidfloor`, more `bcat`/`badv`, the audience of `imp.qty.multiplier`, the play time of
`imp.dt` and a shorter `tmax`.

Every refusal is a 400 naming the field (`imp.0.tagid`, `site/app/dooh`, `cur` …); a body over
`exchange.max_request_bytes` is a 413.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jarnama.core.errors import InvalidInput
from jarnama.core.money import Currency
from jarnama.exchange.auction import Win
from jarnama.exchange.snapshot import ScreenSnapshot

MAX_IMPS = 20
DEFAULT_CURRENCY = Currency.USD


@dataclass(frozen=True, slots=True)
class InboundImp:
    """One impression of an inbound request, as the auction needs it."""

    index: int
    imp_id: str
    screen_code: str
    floor: Decimal | None
    floor_currency: Currency
    multiplier: Decimal | None
    plays_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class InboundRequest:
    """A checked inbound BidRequest."""

    request_id: str
    imps: tuple[InboundImp, ...]
    currency: Currency
    tmax_ms: int | None
    bcat: tuple[str, ...]
    badv: tuple[str, ...]
    test: bool


def _bad(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, field=field)


def _text(value: object, field: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise _bad("must be a non-empty string of at most 200 characters", field)
    return value


def _number(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _bad("must be a number", field)
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:  # pragma: no cover - str of a number always parses
        raise _bad("must be a number", field) from exc
    if not number.is_finite() or number < 0:
        raise _bad("must be a finite number, 0 or more", field)
    return number


def _currency(value: object, field: str) -> Currency:
    try:
        return Currency(str(value).upper())
    except ValueError as exc:
        known = ", ".join(c.value for c in Currency)
        raise _bad(f"unsupported currency {value!r} (known: {known})", field) from exc


def _strings(value: object, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad("must be an array of strings", field)
    return tuple(value)


def parse_request(body: bytes) -> InboundRequest:
    """Check an inbound OpenRTB 2.6 BidRequest (400 naming the field on any problem)."""
    try:
        document = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(f"the body is not JSON: {exc}", "body") from exc
    if not isinstance(document, dict):
        raise _bad("a BidRequest is a JSON object", "body")
    request_id = _text(document.get("id"), "id")
    assert request_id is not None
    present = [key for key in ("site", "app", "dooh") if key in document]
    if len(present) != 1:
        raise _bad(
            f"a BidRequest has exactly one of site, app or dooh; this one has {present or 'none'}",
            "site/app/dooh",
        )
    if present != ["dooh"]:
        raise _bad(f"this exchange sells DOOH screens: send dooh, not {present[0]}", present[0])
    dooh = document["dooh"]
    if not isinstance(dooh, dict):
        raise _bad("must be an object", "dooh")
    dooh_id = dooh.get("id")
    imps = document.get("imp")
    if not isinstance(imps, list) or not imps:
        raise _bad("must be a non-empty array of impressions", "imp")
    if len(imps) > MAX_IMPS:
        raise _bad(f"at most {MAX_IMPS} impressions per request", "imp")
    parsed: list[InboundImp] = []
    seen: set[str] = set()
    for index, imp in enumerate(imps):
        where = f"imp.{index}"
        if not isinstance(imp, dict):
            raise _bad("must be an object", where)
        imp_id = _text(imp.get("id"), f"{where}.id")
        assert imp_id is not None
        if imp_id in seen:
            raise _bad(f"repeats impression id {imp_id!r}", f"{where}.id")
        seen.add(imp_id)
        code = imp.get("tagid", dooh_id)
        if code is None:
            raise _bad("names the screen: its tagid (or dooh.id) is the screen's code", where)
        screen_code = _text(str(code) if isinstance(code, int) else code, f"{where}.tagid")
        assert screen_code is not None
        floor = None
        if "bidfloor" in imp:
            floor = _number(imp["bidfloor"], f"{where}.bidfloor")
        floor_currency = _currency(imp.get("bidfloorcur", "USD"), f"{where}.bidfloorcur")
        multiplier = None
        qty = imp.get("qty")
        if qty is not None:
            if not isinstance(qty, dict):
                raise _bad("must be an object", f"{where}.qty")
            if "multiplier" in qty:
                multiplier = _number(qty["multiplier"], f"{where}.qty.multiplier")
                if multiplier <= 0:
                    raise _bad("must be above 0", f"{where}.qty.multiplier")
        plays_at = None
        if "dt" in imp:
            millis = _number(imp["dt"], f"{where}.dt")
            try:
                plays_at = dt.datetime.fromtimestamp(float(millis) / 1000, tz=dt.UTC)
            except (OverflowError, ValueError, OSError) as exc:
                raise _bad("must be epoch milliseconds", f"{where}.dt") from exc
        parsed.append(
            InboundImp(index, imp_id, screen_code, floor, floor_currency, multiplier, plays_at)
        )
    currencies = _strings(document.get("cur"), "cur")
    currency = _currency(currencies[0], "cur") if currencies else DEFAULT_CURRENCY
    tmax = None
    if "tmax" in document:
        value = _number(document["tmax"], "tmax")
        if value != value.to_integral_value() or value < 1:
            raise _bad("must be a whole number of milliseconds, 1 or more", "tmax")
        tmax = int(value)
    test = document.get("test", 0)
    if test not in (0, 1):
        raise _bad("must be 0 or 1", "test")
    return InboundRequest(
        request_id=request_id,
        imps=tuple(parsed),
        currency=currency,
        tmax_ms=tmax,
        bcat=_strings(document.get("bcat"), "bcat"),
        badv=tuple(d.lower() for d in _strings(document.get("badv"), "badv")),
        test=test == 1,
    )


def screen_for(
    imp: InboundImp,
    candidates: Sequence[ScreenSnapshot],
    floor_in_screen_currency: Decimal | None,
    request: InboundRequest,
) -> ScreenSnapshot:
    """The registered screen with the request's additions (higher floor, blocks, audience)."""
    if not candidates:
        raise _bad(f"no screen of yours has the code {imp.screen_code!r}", f"imp.{imp.index}.tagid")
    if len(candidates) > 1:
        raise _bad(
            f"several accounts' screens have the code {imp.screen_code!r}; use the owner's key",
            f"imp.{imp.index}.tagid",
        )
    screen = candidates[0]
    changes: dict[str, Any] = {
        "blocked_categories": tuple(dict.fromkeys((*screen.blocked_categories, *request.bcat))),
        "blocked_domains": tuple(dict.fromkeys((*screen.blocked_domains, *request.badv))),
    }
    if imp.multiplier is not None:
        changes["multiplier"] = imp.multiplier
    if floor_in_screen_currency is not None and floor_in_screen_currency > screen.floor_cpm:
        # The supply's own floor: in force at every daypart it is higher than.
        changes["floor_cpm"] = floor_in_screen_currency
        changes["daypart_floors"] = tuple(
            rule for rule in screen.daypart_floors if rule.floor_cpm > floor_in_screen_currency
        )
    return dataclasses.replace(screen, **changes)


def bid_response(
    request: InboundRequest,
    wins: Sequence[tuple[InboundImp, Win, Decimal, Mapping[str, Any]]],
) -> dict[str, Any]:
    """The OpenRTB BidResponse: one seatbid per winning bidder, prices in the request's `cur`."""
    seats: dict[str, list[dict[str, Any]]] = {}
    for imp, win, price, ext in wins:
        bid = win.bid
        out: dict[str, Any] = {
            "id": bid.bid_id,
            "impid": imp.imp_id,
            "price": price,
            "adomain": list(bid.adomain),
            "crid": bid.crid,
        }
        if win.adm is not None:
            out["adm"] = win.adm
        for key, value in (
            ("adid", bid.adid),
            ("cid", bid.cid),
            ("w", bid.w),
            ("h", bid.h),
            ("dur", bid.dur),
            ("mtype", bid.mtype),
        ):
            if value is not None:
                out[key] = value
        if bid.cat:
            out["cat"] = list(bid.cat)
        if win.deal is not None:
            out["dealid"] = win.deal.code
        out["ext"] = {"jarnama": dict(ext)}
        seats.setdefault(bid.seat, []).append(out)
    return {
        "id": request.request_id,
        "cur": request.currency.value,
        "seatbid": [{"seat": seat, "bid": bids} for seat, bids in seats.items()],
    }
