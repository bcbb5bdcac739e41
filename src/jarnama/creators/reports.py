"""Reports per offer, creator and platform: clicks, conversions, approval rate, earnings per
click, payouts and tax withheld, as JSON or CSV.

Tenant-scoped like every list: a creator's report counts only its own clicks and conversions,
an advertiser's only those of its offers (an agency's, its clients'), a network admin's all.
A conversion's platform is credited when it is reported (docs/creators.md, "Platforms"): the
click's link, else the code's platform, else the creator's latest post for the offer; clicks
count by their link's platform. Neither known: `unspecified`.
Dates are Almaty business days; `until` is inclusive.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.core.time import ALMATY
from jarnama.creators import reports_repository, repository, service
from jarnama.creators.report_schemas import ReportOut, ReportRow
from jarnama.creators.reports_repository import Dimension
from jarnama.tenancy.principal import Principal

CSV_COLUMNS = (
    "key",
    "label",
    "clicks",
    "conversions",
    "approved",
    "declined",
    "pending",
    "approval_rate",
    "earnings_tiyn",
    "earnings_per_click_tiyn",
    "paid_out_tiyn",
    "tax_withheld_tiyn",
)


def _instant(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(), ALMATY).astimezone(dt.UTC)


def _per_click(earnings: int, clicks: int) -> int | None:
    if clicks == 0:
        return None
    return int((Decimal(earnings) / clicks).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def report(
    session: Session,
    principal: Principal,
    group_by: Dimension,
    *,
    offer_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> ReportOut:
    """The caller's report grouped by offer, creator or platform, biggest earnings first."""
    principal.ensure_can_read()
    if since is not None and until is not None and until < since:
        raise InvalidInput("until is before since", field="until")
    if offer_id is not None:
        service.offer_visible(session, principal, offer_id)  # 404 for another tenant's offer
    ids = principal.visible_account_ids()
    start, end = _instant(since), _instant(until + dt.timedelta(days=1) if until else None)
    sums = reports_repository.conversion_sums(
        session, group_by, ids, offer_id=offer_id, since=start, until=end
    )
    clicks = reports_repository.click_counts(
        session, group_by, ids, offer_id=offer_id, since=start, until=end
    )
    by_key = {row[0]: row for row in sums}
    keys = sorted(set(by_key) | set(clicks), key=str)
    offers = (
        reports_repository.offers_by_id(session, [int(k) for k in keys])
        if group_by == "offer"
        else {}
    )
    profiles = repository.profiles(session, [int(k) for k in keys]) if group_by == "creator" else {}
    items: list[ReportRow] = []
    for key in keys:
        _k, count, approved, declined, earnings, tax, paid = by_key.get(
            key, (key, 0, 0, 0, 0, 0, 0)
        )
        count, approved, declined = int(count or 0), int(approved or 0), int(declined or 0)
        earnings, n_clicks = int(earnings or 0), clicks.get(key, 0)
        decided = approved + declined
        label = str(key)
        advertiser_id = creator_id = None
        if group_by == "offer":
            offer = offers.get(int(key))
            label = offer.name if offer else label
            advertiser_id = offer.account_id if offer else None
        elif group_by == "creator":
            creator_id = int(key)
            profile = profiles.get(creator_id)
            label = profile.display_name if profile else label
        items.append(
            ReportRow(
                key=str(key),
                label=label,
                advertiser_account_id=advertiser_id,
                creator_account_id=creator_id,
                clicks=n_clicks,
                conversions=count,
                approved=approved,
                declined=declined,
                pending=count - approved - declined,
                approval_rate=round(approved / decided, 4) if decided else None,
                earnings_tiyn=earnings,
                earnings_per_click_tiyn=_per_click(earnings, n_clicks),
                paid_out_tiyn=int(paid or 0),
                tax_withheld_tiyn=int(tax or 0),
            )
        )
    items.sort(key=lambda r: (-r.earnings_tiyn, -r.conversions, r.key))
    return ReportOut(group_by=group_by, since=since, until=until, items=items)


def report_csv(out: ReportOut) -> str:
    """A report as CSV (one header row, amounts in tiyn)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in out.items:
        values = row.model_dump()
        writer.writerow(["" if values[c] is None else values[c] for c in CSV_COLUMNS])
    return buffer.getvalue()
